// The second federation peer: Hive Gateway (its runtime, `createGatewayRuntime`, served by
// node's own `http.createServer`: one node process) in front of Glocal's gateway as its only
// subgraph. The supergraph is composed exactly as for the Apollo peer, by @apollo/composition
// (not Hive's @theguild/federation-composition) from the `_service { sdl }` of Glocal's partner
// graph (`/subgraph`): both routers plan over the same supergraph.
// A partner's router adds exactly this hop; the benchmark measures what it costs.
//
// `@graphql-hive/gateway-runtime` 2.12.1 is the runtime of Hive Gateway 2.15.1 (the CLI package
// `@graphql-hive/gateway` adds a config loader and plugins not used here); both declare node
// >= 20. A few of their transitive helpers (@whatwg-node/promise-helpers 2, disposablestack
// 0.1) declare node >= 22.15 (npm warns EBADENGINE) but run on node 20: every Hive Gateway
// release resolves to them, so no older pin avoids it.
//
// Usage: node hive-gateway.mjs <glocal /subgraph URL> <port>
//   → prints `GATEWAY_URL=<url>` once listening on 127.0.0.1:<port>. The caller's
//     `Authorization` header is passed on to the subgraph.
//
// Quiet and offline: no usage reporting, no CDN or GraphOS (the supergraph is a string, so
// nothing is polled), no landing page or GraphiQL, the logger at `error` (nothing per request).
// Outbound in-flight deduplication, on by default in Hive Gateway, is turned off: each request
// to the peer is one request to Glocal, as with Apollo Gateway, so the two are the same work
// and the harness's check (the gateway counts an operation for every response) holds.
import { createServer } from 'node:http';
import { composeServices } from '@apollo/composition';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import * as httpTransport from '@graphql-mesh/transport-http';
import { parse } from 'graphql';

const [glocalUrl, port] = process.argv.slice(2);
if (!glocalUrl || !port) {
  console.error('usage: node hive-gateway.mjs <glocal URL> <port>');
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

const gateway = createGatewayRuntime({
  supergraph: composed.supergraphSdl,
  transports: { http: httpTransport },
  transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } },
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => {
      const authorization = request.headers.get('authorization');
      return authorization ? { authorization } : {};
    },
  },
  logging: 'error',
  landingPage: false,
  graphiql: false,
});
const server = createServer(gateway);
// The runtime disposes of itself on SIGINT/SIGTERM but leaves exiting to its host (the CLI
// does it): without this the open server keeps the process alive until the harness kills it.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0));
server.listen(Number(port), '127.0.0.1', () => {
  console.log(`GATEWAY_URL=http://127.0.0.1:${port}${gateway.graphqlEndpoint}`);
});
