// A partner organisation's subgraph, written for the federation test with Apollo's own
// packages: it extends Glocal's `LocalGovernment` entity (key `code`) with the partner's
// liaison office, and offers a root field whose offices refer back to Glocal's entity.
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

  type Query {
    "Every liaison office of the partner."
    partnerOffices: [PartnerOffice!]!
  }
`);

const offices = [
  { id: 'osaka', city: 'Osaka', country: 'JP', since: 2012, code: '11000' },
  { id: 'fukuoka', city: 'Fukuoka', country: 'JP', since: 2015, code: '26000' },
];

const resolvers = {
  Query: {
    partnerOffices: () => offices,
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
