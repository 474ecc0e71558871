// A real OpenID Connect provider for the portal's sign-in tests: panva's certified
// `oidc-provider` (npm, installed by scripts/test under target/oidc-provider), with its
// development login form (any password), one public client that must use PKCE, JWT access
// tokens for the gateway's audience, and refresh tokens.
//
// Environment: OIDC_PROVIDER_MODULE (path of the package's directory), OIDC_PORT,
// OIDC_REDIRECT_URI, OIDC_CLIENT_ID, OIDC_AUDIENCE, OIDC_ACCESS_TTL (seconds),
// OIDC_ACCOUNTS (JSON: login -> { name, email, org, roles }).
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const moduleDir = env('OIDC_PROVIDER_MODULE');
const { default: Provider } = await import(
  pathToFileURL(path.join(moduleDir, 'lib', 'index.js')).href
);
const port = Number(env('OIDC_PORT'));
const audience = env('OIDC_AUDIENCE');
const accessTtl = Number(process.env.OIDC_ACCESS_TTL || '300');
const accounts = JSON.parse(env('OIDC_ACCOUNTS'));
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: env('OIDC_CLIENT_ID'),
      token_endpoint_auth_method: 'none',
      redirect_uris: [env('OIDC_REDIRECT_URI')],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
  ],
  pkce: { required: () => true },
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub'],
    profile: ['name', 'org', 'roles', 'locale'],
    email: ['email'],
  },
  features: {
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'openid profile email',
        audience,
        accessTokenFormat: 'jwt',
        accessTokenTTL: accessTtl,
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  findAccount: (ctx, id) =>
    accounts[id]
      ? { accountId: id, claims: () => ({ sub: id, ...accounts[id] }) }
      : undefined,
  extraTokenClaims: (ctx, token) => {
    const account = accounts[token.accountId];
    return account ? { ...account } : {};
  },
  issueRefreshToken: (ctx, client) => client.grantTypeAllowed('refresh_token'),
  ttl: { AccessToken: accessTtl, IdToken: 3600, RefreshToken: 86400 },
});
// Each token grant on stdout, so a test can see a refresh happen.
provider.on('grant.success', (ctx) => {
  console.log(`grant ${ctx.oidc.params.grant_type}`);
});
provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc provider listening on ${issuer}`);
});
