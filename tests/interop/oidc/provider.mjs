// SPDX-License-Identifier: GPL-3.0-or-later
// An OpenID-certified provider (panva's oidc-provider, pinned in
// package-lock.json) issuing JWT access tokens by client credentials, and a
// resource server that checks them with jose against the provider's keys.
//
//   node provider.mjs CONFIG.json
//
// CONFIG: {"provider_port": N, "api_port": N, "record": FILE, "ready": FILE,
//          "clients": [{"client_id", "client_secret", "groups": N, "ttl": S}]}
//
// - The provider (http://127.0.0.1:PROVIDER/token) grants client_credentials
//   with client_secret_basic, for the resource http://127.0.0.1:API/ (resource
//   indicators, RFC 8707, its default): an RS256 JWT carrying `groups` claims
//   (N group names of 40 characters; 120 make a token over 5,480 characters)
//   that lives `ttl` seconds (expires_in as the provider computes it).
// - The resource server answers GET .../system/ping and .../system/status:
//   200 when the bearer token verifies (signature, issuer, audience, expiry),
//   else 401. It appends the Authorization header of every request, byte for
//   byte, to RECORD (one JSON string per line), and takes headers up to 1 MiB
//   so that no limit of its own cuts a token short.
// Once both listen, it writes {"pid": PID} to READY. SIGTERM stops it.
import { createServer } from 'node:http';
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.provider_port}`;
const resource = `http://127.0.0.1:${config.api_port}/`;
const byClient = new Map(config.clients.map((c) => [c.client_id, c]));

const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
const signing = { ...(await exportJWK(privateKey)), kid: 'interop', alg: 'RS256', use: 'sig' };
const publicKeys = createLocalJWKSet({
  keys: [{ ...(await exportJWK(publicKey)), kid: 'interop', alg: 'RS256', use: 'sig' }],
});

const provider = new Provider(issuer, {
  clients: config.clients.map((c) => ({
    client_id: c.client_id,
    client_secret: c.client_secret,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
  })),
  jwks: { keys: [signing] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, indicator, client) => ({
        scope: 'api',
        accessTokenFormat: 'jwt',
        accessTokenTTL: byClient.get(client.clientId).ttl,
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  extraTokenClaims: (ctx, token) => {
    const n = byClient.get(token.clientId)?.groups ?? 0;
    return {
      groups: Array.from({ length: n }, (_, i) => `g${String(i).padStart(4, '0')}-${'x'.repeat(34)}`),
    };
  },
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));

const api = createServer({ maxHeaderSize: 1024 * 1024 }, async (req, res) => {
  const header = req.headers.authorization ?? '';
  appendFileSync(config.record, `${JSON.stringify(header)}\n`);
  const send = (status, body) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (!/\/system\/(ping|status)$/.test(req.url.split('?')[0])) {
    send(404, { error: 'NOT_FOUND' });
    return;
  }
  if (!header.startsWith('Bearer ')) {
    send(401, { error: 'invalid_token' });
    return;
  }
  try {
    await jwtVerify(header.slice(7), publicKeys, { issuer, audience: resource });
    send(200, { status: 'OK' });
  } catch (err) {
    send(401, { error: 'invalid_token', error_description: String(err.code ?? err.message) });
  }
});

let up = 0;
const ready = () => {
  up += 1;
  if (up === 2) {
    writeFileSync(`${config.ready}.tmp`, JSON.stringify({ pid: process.pid }));
    renameSync(`${config.ready}.tmp`, config.ready);
  }
};
provider.listen(config.provider_port, '127.0.0.1', ready);
api.listen(config.api_port, '127.0.0.1', ready);
process.on('SIGTERM', () => process.exit(0));
