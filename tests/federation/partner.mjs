// A partner organisation's subgraph, written for the federation test with Apollo's own
// packages: it extends Glocal's `LocalGovernment` entity (key `code`) with the partner's
// liaison office, offers a root field whose offices refer back to Glocal's entity, and
// owns generic names of its own (`Department`, `Staff`, `Contact`, a `Language` enum with
// other values, `EventFilter`) that Glocal's partner graph must leave free.
//
// Usage: node partner.mjs   → prints `PARTNER_URL=<url>` once listening on 127.0.0.1.
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

const typeDefs = parse(`
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])

  # Glocal's local government, extended with the partner's own data.
  type LocalGovernment @key(fields: "code") {
    code: String!
    "The partner's liaison office for this local government, if it has one."
    partnerOffice: PartnerOffice
  }

  "An overseas liaison office of the partner."
  type PartnerOffice {
    id: ID!
    city: String!
    country: String!
    since: Int!
    "The Korean local government the office works with (resolved by Glocal)."
    localGovernment: LocalGovernment!
  }

  "The partner's own languages (not Glocal's)."
  enum Language { FR DE EN }

  "A department of the partner."
  type Department {
    code: ID!
    name(lang: Language): String!
    staff: [Staff!]!
    contact: Contact
  }

  "Someone at the partner."
  type Staff {
    id: ID!
    displayName: String!
  }

  "How to reach a department."
  type Contact {
    email: String!
  }

  "The partner's own event filter."
  input EventFilter {
    city: String!
  }

  type Query {
    "Every liaison office of the partner."
    partnerOffices: [PartnerOffice!]!
    "The partner's departments."
    departments(filter: EventFilter): [Department!]!
  }
`);

const offices = [
  { id: 'osaka', city: 'Osaka', country: 'JP', since: 2012, code: '11000' },
  { id: 'fukuoka', city: 'Fukuoka', country: 'JP', since: 2015, code: '26000' },
];

const departments = [
  {
    code: 'intl',
    names: { FR: 'Relations internationales', DE: 'Internationale Beziehungen', EN: 'International relations' },
    staff: [{ id: 's1', displayName: 'Camille' }],
    contact: { email: 'intl@partner.example' },
  },
];

const resolvers = {
  Query: {
    partnerOffices: () => offices,
    departments: () => departments,
  },
  Department: {
    name: (department, { lang }) => department.names[lang ?? 'EN'],
  },
  LocalGovernment: {
    __resolveReference: (reference) => ({ code: reference.code }),
    partnerOffice: (lg) => offices.find((o) => o.code === lg.code) ?? null,
  },
  PartnerOffice: {
    localGovernment: (office) => ({ __typename: 'LocalGovernment', code: office.code }),
  },
};

const server = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs, resolvers }) });
const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
console.log(`PARTNER_URL=${url}`);
