// A real OpenID Connect provider (npm oidc-provider) for the tests, on 127.0.0.1 and a free port.
//
//   node tests/oidc/provider.mjs STATE_FILE
//
// STATE_FILE is JSON the provider re-reads on every request, so a test changes users, groups and
// the provider's mode by rewriting it:
//   {"client": {"client_id", "client_secret", "redirect_uris", "post_logout_redirect_uris"},
//    "users": {"<login, also the subject>": {"password", "email", "given_name", "family_name", "groups": []}},
//    "id_token_ttl": 3600,
//    "hold_redirect": false,  (true: a page with a link back to the app instead of the redirect)
//    "mode": "normal" | "expired" | "foreign-key" | "unknown-issuer"}
// The client is read once, at start. The modes other than "normal" rewrite the ID token the token
// endpoint issues: already expired, signed by a key not in the provider's JWKS (same kid), or naming
// another issuer. Once listening, the provider prints one JSON line: {"issuer": "http://127.0.0.1:PORT"}.
import { readFileSync } from 'node:fs';
import http from 'node:http';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const statePath = process.argv[2];
const readState = () => JSON.parse(readFileSync(statePath, 'utf8'));

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function signingKey() {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return { ...jwk, kid: 'test-signing-key', alg: 'RS256', use: 'sig' };
}

async function resign(idToken, mode, key, issuer) {
  const claims = jose.decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  let signWith = key;
  if (mode === 'expired') {
    claims.iat = now - 7200;
    claims.exp = now - 3600;
  } else if (mode === 'unknown-issuer') {
    claims.iss = `${issuer}/another-tenant`;
  } else if (mode === 'foreign-key') {
    signWith = await signingKey();
  }
  const privateKey = await jose.importJWK(signWith, 'RS256');
  return new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' }).sign(privateKey);
}

function loginPage(uid, error = '') {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>Username <input name="login" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form></main></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return Object.fromEntries(new URLSearchParams(body));
}

const server = http.createServer();
server.listen(0, '127.0.0.1', async () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const key = await signingKey();
  const { client } = readState();
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.client_id,
        client_secret: client.client_secret,
        redirect_uris: client.redirect_uris,
        post_logout_redirect_uris: client.post_logout_redirect_uris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [key] },
    cookies: { keys: ['test-provider-cookie-key'] },
    pkce: { required: () => true },
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      groups: ['groups'],
    },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    ttl: { IdToken: () => readState().id_token_ttl ?? 3600 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // First-party client: the grant is given without a consent screen.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
    async findAccount(_ctx, id) {
      const user = readState().users[id];
      if (!user) return undefined;
      return {
        accountId: id,
        async claims() {
          const fresh = readState().users[id] ?? user;
          return {
            sub: id,
            email: fresh.email,
            email_verified: true,
            name: `${fresh.given_name} ${fresh.family_name}`,
            given_name: fresh.given_name,
            family_name: fresh.family_name,
            preferred_username: fresh.preferred_username ?? id,
            groups: fresh.groups ?? [],
          };
        },
      };
    },
  });

  provider.use(async (ctx, next) => {
    const match = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
    if (!match) {
      await next();
      const location = ctx.response.get('Location') || '';
      if (readState().hold_redirect && location.startsWith(client.redirect_uris[0])) {
        // The test reads (and may tamper with) the link the provider would have redirected to.
        ctx.status = 200;
        ctx.remove('Location');
        ctx.type = 'html';
        ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Back to the app</title></head>
<body><a id="back-to-app" href="${escape(location)}">Continue to the app</a></body></html>`;
      }
      if (ctx.path === '/token' && ctx.status === 200 && ctx.body?.id_token) {
        const { mode } = readState();
        if (mode && mode !== 'normal') ctx.body = { ...ctx.body, id_token: await resign(ctx.body.id_token, mode, key, issuer) };
      }
      return;
    }
    ctx.respond = false;
    const { req, res } = ctx;
    const details = await provider.interactionDetails(req, res);
    if (ctx.method === 'POST' && match[2]) {
      const form = await readForm(req);
      const login = form.login ?? '';
      const user = readState().users[login];
      if (!user || user.password !== form.password) {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(loginPage(details.uid, 'Wrong username or password.'));
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      return;
    }
    if (details.prompt.name === 'login') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(loginPage(details.uid));
      return;
    }
    await provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
  });

  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
