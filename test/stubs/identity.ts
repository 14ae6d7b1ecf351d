import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A local stand-in for the identity side of the Bot Framework, so authenticated mode is proven without
 * reaching Microsoft:
 * - OpenID metadata + JWKS, as `login.botframework.com` publishes the channel's signing keys
 *   (point `BOT_OPENID_METADATA_URL` at `openIdMetadataUrl`);
 * - a signer that issues channel tokens (RS256) with the published key, or with a key nobody published;
 * - an App Service managed-identity token endpoint (`IDENTITY_ENDPOINT` / `IDENTITY_HEADER`), so a bot in
 *   managed-identity mode obtains its outgoing token here.
 */

/** What the Bot Connector puts in the token it sends a bot (v1 channel token). */
export const CHANNEL_ISSUER = 'https://api.botframework.com';

export type ChannelClaims = {
  aud: string;
  serviceurl: string;
  iss?: string;
  /** Seconds since epoch; default now. */
  iat?: number;
  nbf?: number;
  exp?: number;
  [claim: string]: unknown;
};

type KeyPair = { kid: string; privateKey: crypto.KeyObject; publicKey: crypto.KeyObject };

const newKey = (): KeyPair => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid: crypto.randomBytes(12).toString('base64url'), privateKey, publicKey };
};

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A compact JWS (RS256), signed with node:crypto: what jsonwebtoken would produce. */
export function signJwt(payload: Record<string, unknown>, key: { kid: string; privateKey: crypto.KeyObject }): string {
  const input = `${b64url({ alg: 'RS256', typ: 'JWT', kid: key.kid })}.${b64url(payload)}`;
  const signature = crypto.sign('RSA-SHA256', Buffer.from(input), key.privateKey).toString('base64url');
  return `${input}.${signature}`;
}

/** Tokens an attacker would try (IdentityStub.hostileTokens makes each). */
export const HOSTILE_TOKENS = [
  'alg none (unsigned)',
  'HS256 signed with the public key',
  'nbf an hour ahead',
  'signature stripped',
  'signature of another key',
  'payload tampered after signing',
  'not a JWT',
] as const;
export type HostileToken = (typeof HOSTILE_TOKENS)[number];

export type ManagedIdentityRequest = { resource: string | null; clientId: string | null; identityHeader: string | null };

export class IdentityStub {
  /** The key whose public half is published in the JWKS. */
  readonly published = newKey();
  /** A key the bot has never seen (a forger's). */
  readonly unpublished = newKey();
  /** Channels the published key is endorsed for (the Bot Framework lists them per key). */
  endorsements = ['msteams'];
  readonly metadataFetches: string[] = [];
  readonly managedIdentityRequests: ManagedIdentityRequest[] = [];
  /** The access token handed out to a managed identity (what outgoing replies carry). */
  readonly managedIdentityToken = `mi-${crypto.randomBytes(16).toString('hex')}`;
  readonly identityHeader = crypto.randomBytes(8).toString('hex');
  url = '';
  private server!: http.Server;
  private sockets = new Set<Socket>();

  get openIdMetadataUrl(): string {
    return `${this.url}/v1/.well-known/openidconfiguration`;
  }

  /** The App Service managed-identity endpoint (IDENTITY_ENDPOINT). */
  get managedIdentityEndpoint(): string {
    return `${this.url}/msi/token`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A channel token as the Bot Connector would send it, valid for an hour unless the claims say otherwise. */
  channelToken(claims: ChannelClaims, opts: { key?: 'published' | 'unpublished' } = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const payload = { iss: CHANNEL_ISSUER, iat: now, nbf: now, exp: now + 3600, ...claims };
    return signJwt(payload, opts.key === 'unpublished' ? this.unpublished : this.published);
  }

  /** A token signed by the unpublished key but claiming the published key's id (a forged signature). */
  forgedToken(claims: ChannelClaims): string {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(
      { iss: CHANNEL_ISSUER, iat: now, nbf: now, exp: now + 3600, ...claims },
      { kid: this.published.kid, privateKey: this.unpublished.privateKey },
    );
  }

  /** Hostile variants of a valid channel token, each refused for a different reason. */
  hostileTokens(claims: ChannelClaims): Record<HostileToken, string> {
    const now = Math.floor(Date.now() / 1000);
    const payload = { iss: CHANNEL_ISSUER, iat: now, nbf: now, exp: now + 3600, ...claims };
    const valid = this.channelToken(claims);
    const [header, body] = valid.split('.');
    const hmacInput = `${b64url({ alg: 'HS256', typ: 'JWT', kid: this.published.kid })}.${b64url(payload)}`;
    const publicPem = this.published.publicKey.export({ type: 'spki', format: 'pem' });
    return {
      'alg none (unsigned)': `${b64url({ alg: 'none', typ: 'JWT', kid: this.published.kid })}.${b64url(payload)}.`,
      'HS256 signed with the public key': `${hmacInput}.${crypto.createHmac('sha256', publicPem).update(hmacInput).digest('base64url')}`,
      'nbf an hour ahead': this.channelToken({ ...claims, nbf: now + 3600 }),
      'signature stripped': `${header}.${body}.`,
      'signature of another key': this.forgedToken(claims),
      'payload tampered after signing': `${header}.${b64url({ ...payload, aud: crypto.randomUUID() })}.${valid.split('.')[2]}`,
      'not a JWT': 'not-a-token',
    };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/v1/.well-known/openidconfiguration') {
      this.metadataFetches.push(url.pathname);
      return json(200, {
        issuer: CHANNEL_ISSUER,
        authorization_endpoint: `${this.url}/v1/.well-known/authorize`,
        jwks_uri: `${this.url}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (url.pathname === '/v1/.well-known/keys') {
      this.metadataFetches.push(url.pathname);
      const jwk = this.published.publicKey.export({ format: 'jwk' });
      return json(200, {
        keys: [{ kty: 'RSA', use: 'sig', kid: this.published.kid, n: jwk.n, e: jwk.e, endorsements: this.endorsements }],
      });
    }
    if (url.pathname === '/msi/token') {
      // App Service managed identity (api-version 2019-08-01): the secret header proves the caller is on the host.
      const identityHeader = (req.headers['x-identity-header'] as string | undefined) ?? null;
      this.managedIdentityRequests.push({
        resource: url.searchParams.get('resource'),
        clientId: url.searchParams.get('client_id'),
        identityHeader,
      });
      if (identityHeader !== this.identityHeader)
        return json(401, { error: 'invalid_request', error_description: 'X-IDENTITY-HEADER missing or wrong' });
      const expiresOn = Math.floor(Date.now() / 1000) + 3600;
      return json(200, {
        access_token: this.managedIdentityToken,
        expires_on: String(expiresOn),
        resource: url.searchParams.get('resource'),
        token_type: 'Bearer',
        client_id: url.searchParams.get('client_id'),
      });
    }
    json(404, { error: 'not_found' });
  }
}

export async function startIdentityStub(): Promise<IdentityStub> {
  return new IdentityStub().start();
}
