// The federation peer: Apollo Gateway in front of Glocal's gateway as its only subgraph,
// with a supergraph composed by @apollo/composition from the `_service { sdl }` of Glocal's
// partner graph (`/subgraph`).
// A partner's router adds exactly this hop; the benchmark measures what it costs.
//
// Usage: node federation-gateway.mjs <glocal /subgraph URL> <port>
//   → prints `GATEWAY_URL=<url>` once listening on 127.0.0.1:<port>. The caller's
//     `Authorization` header is passed on to the subgraph.
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { parse } from 'graphql';

const [glocalUrl, port] = process.argv.slice(2);
if (!glocalUrl || !port) {
  console.error('usage: node federation-gateway.mjs <glocal URL> <port>');
  process.exit(64);
}

const response = await fetch(glocalUrl, {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json' },
  body: JSON.stringify({ query: '{ _service { sdl } }' }),
});
const sdl = (await response.json()).data?._service?.sdl;
if (!sdl) throw new Error(`no subgraph SDL from ${glocalUrl}`);
const composed = composeServices([{ name: 'glocal', url: glocalUrl, typeDefs: parse(sdl) }]);
if (composed.errors) {
  console.error('COMPOSITION_FAILED');
  for (const error of composed.errors) console.error(String(error));
  process.exit(1);
}

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
  listen: { host: '127.0.0.1', port: Number(port) },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});
console.log(`GATEWAY_URL=${url}`);
