// Composes Glocal's partner graph with the partner's subgraph into a supergraph with
// @apollo/composition (failing on any composition error) and serves it through
// @apollo/gateway.
//
// Usage: node gateway.mjs <glocal /subgraph URL> <partner URL>
//   → prints `API_TYPES=<JSON list>`, the named types of the supergraph's API schema (what
//     a client of the router can introspect), `GLOCAL_TYPES=<JSON list>`, those of them
//     Glocal's subgraph defines, then `GATEWAY_URL=<url>` once listening on
//     127.0.0.1. The caller's `Authorization` header is passed on to both subgraphs.
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { parse } from 'graphql';

const [glocalUrl, partnerUrl] = process.argv.slice(2);
if (!glocalUrl || !partnerUrl) {
  console.error('usage: node gateway.mjs <glocal URL> <partner URL>');
  process.exit(64);
}

/** The subgraph SDL a server publishes as `_service { sdl }`. */
async function subgraphSdl(url) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = await response.json();
  if (!body.data?._service?.sdl) {
    throw new Error(`no subgraph SDL from ${url}: ${JSON.stringify(body)}`);
  }
  return body.data._service.sdl;
}

const services = [
  { name: 'glocal', url: glocalUrl, typeDefs: parse(await subgraphSdl(glocalUrl)) },
  { name: 'partner', url: partnerUrl, typeDefs: parse(await subgraphSdl(partnerUrl)) },
];
const composed = composeServices(services);
if (composed.errors) {
  console.error('COMPOSITION_FAILED');
  for (const error of composed.errors) console.error(String(error));
  process.exit(1);
}
for (const hint of composed.hints ?? []) console.error(`hint: ${hint.toString()}`);
const api = composed.schema.toAPISchema().toGraphQLJSSchema();
const apiTypes = Object.keys(api.getTypeMap()).filter((name) => !name.startsWith('__'));
// The API schema's types that Glocal's subgraph defines (its `@join__type` names GLOCAL).
const fromGlocal = apiTypes.filter((name) =>
  (composed.schema.type(name)?.appliedDirectives ?? []).some(
    (d) => d.name === 'join__type' && d.arguments().graph === 'GLOCAL',
  ),
);
console.log(`API_TYPES=${JSON.stringify(apiTypes)}`);
console.log(`GLOCAL_TYPES=${JSON.stringify(fromGlocal)}`);

const gateway = new ApolloGateway({
  supergraphSdl: composed.supergraphSdl,
  buildService: ({ url }) =>
    new RemoteGraphQLDataSource({
      url,
      willSendRequest({ request, context }) {
        if (context.authorization) request.http.headers.set('authorization', context.authorization);
      },
    }),
});
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { host: '127.0.0.1', port: 0 },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});
console.log(`GATEWAY_URL=${url}`);
