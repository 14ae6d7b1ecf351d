/**
 * The one place that talks to Microsoft Graph (app-only). Everything else asks this module for
 * people, app installation (for proactive 1:1 chats) and SharePoint drive files.
 *
 * Middleware chain (our own, so that a test stub on http://127.0.0.1 behaves like graph.microsoft.com):
 *   bearer token (only for the configured Graph origin) → retry (429/503/504) → metrics (each attempt) → redirect → fetch.
 * The SDK's AuthenticationHandler only signs https URLs of known Graph hosts, and its RetryHandler
 * neither retries octet-stream uploads nor lets us cap Retry-After below its 180 s, hence ours.
 */
import { AuthenticationError, ClientSecretCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import {
  Client,
  GraphError,
  HTTPMessageHandler,
  RedirectHandler,
  ResponseType,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import type { Config } from './config';
import { parseRetryAfterMs, retryDelayMs } from './retry';
import { recordGraphCall, telemetryEnabled } from './telemetry';

/** An app-only token for Graph in the given tenant (the directory the call asks about). */
export type TokenProvider = (tenantId: string) => Promise<string>;

export type RetryPolicy = {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** A Retry-After longer than this is not waited for: the call fails with `retryAfterSeconds` so a queue can reschedule. */
  maxRetryAfterSeconds: number;
  /** Exponential backoff (with jitter) when the server gives no Retry-After. */
  baseDelayMs: number;
  maxDelayMs: number;
};

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, maxRetryAfterSeconds: 30, baseDelayMs: 500, maxDelayMs: 8000 };

const RETRY_STATUSES = new Set([429, 503, 504]);

/** A Graph call that failed for a reason callers do not handle as a business outcome. */
export class GraphCallFailed extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Throttled or unavailable: worth trying again later (after `retryAfterSeconds` when known). */
    readonly retryable: boolean,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'GraphCallFailed';
  }
}

export const graphUserSchema = z.object({
  id: z.string(),
  displayName: z
    .string()
    .nullable()
    .optional()
    .transform((v) => v ?? ''),
  mail: z
    .string()
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  userPrincipalName: z
    .string()
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  preferredLanguage: z
    .string()
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  /** "Member" or "Guest": guests are people of other organisations invited into the tenant. */
  userType: z
    .string()
    .nullable()
    .optional()
    .transform((v) => v ?? null),
});
export type GraphUser = z.infer<typeof graphUserSchema>;

export const driveItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number().int().nonnegative().optional(),
  webUrl: z.string().optional(),
});
export type DriveItem = z.infer<typeof driveItemSchema>;

export type InstallResult =
  { ok: true; status: 'installed' | 'already_installed' } | { ok: false; reason: 'no_permission' | 'app_not_in_catalog' };

const listOf = <T extends z.ZodType>(item: T) => z.object({ value: z.array(item) });
const installedAppSchema = z.object({ id: z.string(), teamsApp: z.object({ id: z.string() }).optional() });
const chatSchema = z.object({ id: z.string() });
const uploadSessionSchema = z.object({ uploadUrl: z.string().url() });

/** Simple PUT is for files up to 4 MB; larger ones go through an upload session. */
export const SIMPLE_UPLOAD_MAX_BYTES = 4 * 1024 * 1024;
/** Upload-session chunks must be multiples of 320 KiB (Graph rule); 10 × 320 KiB ≈ 3.3 MB per request. */
export const UPLOAD_CHUNK_BYTES = 10 * 320 * 1024;

const USER_FIELDS = ['id', 'displayName', 'mail', 'userPrincipalName', 'preferredLanguage', 'userType'];

/** A guest account (another organisation's person invited into the tenant): never one of the partner's colleagues. */
export const isGuest = (u: { userType: string | null; userPrincipalName: string | null }) =>
  u.userType === 'Guest' || (u.userPrincipalName ?? '').includes('#EXT#');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retry-After in seconds (Graph reports it to callers that reschedule), or undefined when absent/garbled. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  const ms = parseRetryAfterMs(value, now);
  return ms === undefined ? undefined : ms / 1000;
}

/**
 * Sends, and re-sends on 429/503/504: waits Retry-After when given (up to the cap), otherwise
 * exponential backoff with jitter. Returns the last response; the caller decides what a failure means.
 */
export async function sendWithRetry(send: () => Promise<Response>, policy: RetryPolicy = DEFAULT_RETRY): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const res = await send();
    if (!RETRY_STATUSES.has(res.status) || attempt > policy.maxRetries) return res;
    const retryAfterMs = parseRetryAfterMs(res.headers.get('retry-after'));
    if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterSeconds * 1000) return res;
    const delayMs = retryDelayMs(attempt, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }, retryAfterMs);
    await res.body?.cancel().catch(() => undefined); // free the socket before waiting
    await sleep(delayMs);
  }
}

class BearerTokenMiddleware implements Middleware {
  private next?: Middleware;
  constructor(
    private readonly token: () => Promise<string>,
    private readonly graphOrigin: string,
  ) {}
  setNext(next: Middleware) {
    this.next = next;
  }
  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    // Tokens go only to Graph itself, never to pre-authenticated upload/download URLs elsewhere.
    if (new URL(url).origin === this.graphOrigin) {
      let token: string;
      try {
        token = await this.token();
      } catch (e) {
        // The SDK turns an error thrown here into a GraphError without its status or code, so the
        // failure is answered the way Graph answers: a tenant that refuses stays a 401 with its code.
        const f = e instanceof GraphCallFailed ? e : new GraphCallFailed(401, 'no_token', String(e), true);
        context.response = new Response(JSON.stringify({ error: { code: f.code, message: f.message } }), {
          status: f.retryable ? 503 : 401,
          headers: { 'Content-Type': 'application/json' },
        });
        return;
      }
      context.options = {
        ...context.options,
        headers: { ...(context.options?.headers as Record<string, string>), Authorization: `Bearer ${token}` },
      };
    }
    await this.next!.execute(context);
  }
}

/** Counts and times every request that reaches Graph, retries included (a 429 shows up as one). */
class TelemetryMiddleware implements Middleware {
  private next?: Middleware;
  setNext(next: Middleware) {
    this.next = next;
  }
  async execute(context: Context): Promise<void> {
    if (!telemetryEnabled()) return this.next!.execute(context);
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const method = context.options?.method ?? 'GET';
    const started = performance.now();
    let status = 0; // no answer (network)
    try {
      await this.next!.execute(context);
      status = context.response?.status ?? 0;
    } finally {
      recordGraphCall(method, url, status, (performance.now() - started) / 1000);
    }
  }
}

class RetryMiddleware implements Middleware {
  private next?: Middleware;
  constructor(private readonly policy: RetryPolicy) {}
  setNext(next: Middleware) {
    this.next = next;
  }
  async execute(context: Context): Promise<void> {
    context.response = await sendWithRetry(async () => {
      await this.next!.execute(context);
      return context.response!;
    }, this.policy);
  }
}

/** App-only tokens from an @azure/identity credential, which caches and renews them. */
async function tokenFrom(credential: TokenCredential, baseUrl: string): Promise<string> {
  // Sovereign clouds use their own Graph host as the resource; the stub (http) uses the public one.
  const scope = baseUrl.startsWith('https://graph.') ? `${baseUrl}/.default` : 'https://graph.microsoft.com/.default';
  let token: Awaited<ReturnType<TokenCredential['getToken']>>;
  try {
    token = await credential.getToken(scope);
  } catch (e) {
    // The token service refusing (a tenant that never consented: AADSTS65001, 7000229, 700016 …) keeps
    // refusing, so callers treat it like a missing permission; anything else (network) is worth retrying.
    const refused = e instanceof AuthenticationError && e.statusCode >= 400 && e.statusCode < 500;
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new GraphCallFailed(401, refused ? 'no_consent' : 'no_token', `Could not get a Graph token: ${reason}`, !refused);
  }
  if (!token) throw new GraphCallFailed(401, 'no_token', 'Could not get a Graph token', true);
  return token.token;
}

/**
 * App-only tokens from the client secret of an Entra app registration. Single-tenant: always the
 * configured tenant. Multi-tenant (`GRAPH_MULTI_TENANT`): a token of the tenant the call is about,
 * which works once that tenant's admin consented to the app; one credential (and token cache) per tenant.
 */
export function clientSecretTokenProvider(graph: Config['graph']): TokenProvider {
  const { tenantId, clientId, clientSecret, authorityHost, baseUrl, multiTenant } = graph;
  if ((!tenantId && !multiTenant) || !clientId || !clientSecret) throw new Error('Graph credentials are not configured');
  const credentials = new Map<string, ClientSecretCredential>();
  return (forTenant) => {
    const t = multiTenant ? forTenant : tenantId!;
    let credential = credentials.get(t);
    if (!credential) {
      credential = new ClientSecretCredential(t, clientId, clientSecret, authorityHost ? { authorityHost } : {});
      credentials.set(t, credential);
    }
    return tokenFrom(credential, baseUrl);
  };
}

/**
 * App-only token from the user-assigned managed identity the bot runs as (App Service publishes its
 * token endpoint in IDENTITY_ENDPOINT / IDENTITY_HEADER): no secret exists anywhere. A managed
 * identity lives in one tenant, so it serves that tenant's directory only.
 */
export function managedIdentityTokenProvider(graph: Config['graph']): TokenProvider {
  if (!graph.clientId) throw new Error('The managed identity needs a client id (MicrosoftAppId or GRAPH_CLIENT_ID)');
  const credential = new ManagedIdentityCredential({ clientId: graph.clientId });
  return () => tokenFrom(credential, graph.baseUrl);
}

function configuredTokenProvider(g: Config['graph']): TokenProvider | undefined {
  if (g.managedIdentity) return managedIdentityTokenProvider(g);
  if ((g.tenantId || g.multiTenant) && g.clientId && g.clientSecret) return clientSecretTokenProvider(g);
  return undefined;
}

function toFailure(e: unknown): GraphCallFailed {
  if (e instanceof GraphCallFailed) return e;
  if (e instanceof GraphError) {
    const retryAfter = parseRetryAfter(e.headers?.get('retry-after') ?? null);
    return new GraphCallFailed(
      e.statusCode,
      e.code ?? 'unknown',
      e.message,
      e.statusCode < 0 || RETRY_STATUSES.has(e.statusCode) || e.statusCode >= 500,
      retryAfter,
    );
  }
  const message = e instanceof Error ? e.message : String(e);
  return new GraphCallFailed(-1, 'network', message, true);
}

const isStatus = (e: unknown, ...statuses: number[]) => e instanceof GraphError && statuses.includes(e.statusCode);

/** Graph's $search syntax quotes each clause; a quote or backslash in the user's text would break out. */
const searchTerm = (q: string) => q.replace(/["\\]/g, ' ').trim();

const encodeDrivePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

export type GraphOptions = { tokenProvider?: TokenProvider; retry?: Partial<RetryPolicy>; fetchImpl?: typeof fetch };

export class Graph {
  private readonly client: Client;
  private readonly retry: RetryPolicy;
  private readonly fetchImpl: typeof fetch;

  constructor(
    readonly baseUrl: string,
    token: () => Promise<string>,
    opts: { retry?: Partial<RetryPolicy>; fetchImpl?: typeof fetch } = {},
  ) {
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.fetchImpl = opts.fetchImpl ?? fetch;
    const chain: Middleware[] = [
      new BearerTokenMiddleware(token, new URL(baseUrl).origin),
      new RetryMiddleware(this.retry),
      new TelemetryMiddleware(),
      new RedirectHandler(),
      new HTTPMessageHandler(),
    ];
    this.client = Client.initWithMiddleware({ middleware: chain, baseUrl, defaultVersion: 'v1.0' });
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw toFailure(e);
    }
  }

  /** People picker: matches the start of words in the display name or e-mail. */
  async searchUsers(query: string, top = 10): Promise<GraphUser[]> {
    const q = searchTerm(query);
    if (!q) return [];
    const body = await this.call(() =>
      this.client
        .api('/users')
        .header('ConsistencyLevel', 'eventual') // required by $search on directory objects
        .search(`"displayName:${q}" OR "mail:${q}"`)
        .select(USER_FIELDS)
        .top(top)
        .get(),
    );
    return listOf(graphUserSchema).parse(body).value;
  }

  /** null when the user does not exist (or was deleted). */
  async getUser(aadObjectId: string): Promise<GraphUser | null> {
    try {
      const body = await this.client
        .api(`/users/${encodeURIComponent(aadObjectId)}`)
        .select(USER_FIELDS)
        .get();
      return graphUserSchema.parse(body);
    } catch (e) {
      if (isStatus(e, 404)) return null;
      throw toFailure(e);
    }
  }

  /**
   * True when the user holds the tenant's Entra directory role with this template id (Global
   * Administrator: 62e90394-…) as an active assignment: directly (application permission
   * RoleManagement.Read.Directory), or through a role-assignable group, checked transitively with
   * checkMemberGroups (GroupMember.Read.All; without it only direct members count). The role's
   * members come in one answer (Graph returns up to 1,000 without paging). A role never activated in
   * the tenant (404) has no members. Eligible-only PIM assignments are not active, so they do not count.
   */
  async hasDirectoryRole(userAadId: string, roleTemplateId: string): Promise<boolean> {
    let body: unknown;
    try {
      body = await this.client
        .api(`/directoryRoles(roleTemplateId='${encodeURIComponent(roleTemplateId)}')/members`)
        .select(['id'])
        .get();
    } catch (e) {
      if (isStatus(e, 404)) return false;
      throw toFailure(e);
    }
    const members = listOf(z.object({ id: z.string(), '@odata.type': z.string().optional() })).parse(body).value;
    const kind = (m: { '@odata.type'?: string }) => m['@odata.type'] ?? '#microsoft.graph.user';
    if (members.some((m) => m.id.toLowerCase() === userAadId.toLowerCase() && kind(m) === '#microsoft.graph.user')) return true;
    const groups = members.filter((m) => kind(m) === '#microsoft.graph.group').map((m) => m.id);
    for (let i = 0; i < groups.length; i += 20) {
      // checkMemberGroups takes at most 20 ids per call and answers the ones the user belongs to.
      let answer: unknown;
      try {
        answer = await this.client
          .api(`/users/${encodeURIComponent(userAadId)}/checkMemberGroups`)
          .post({ groupIds: groups.slice(i, i + 20) });
      } catch (e) {
        if (isStatus(e, 403))
          throw new GraphCallFailed(403, 'no_group_permission', 'Graph refused checkMemberGroups: grant GroupMember.Read.All', false);
        throw toFailure(e);
      }
      if (listOf(z.string()).parse(answer).value.length > 0) return true;
    }
    return false;
  }

  /** Installs our Teams app for a user so the bot can open a 1:1 chat with them. */
  async installAppForUser(userAadId: string, teamsAppCatalogId: string): Promise<InstallResult> {
    try {
      await this.client.api(`/users/${encodeURIComponent(userAadId)}/teamwork/installedApps`).post({
        'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${teamsAppCatalogId}`,
      });
      return { ok: true, status: 'installed' };
    } catch (e) {
      if (isStatus(e, 409)) return { ok: true, status: 'already_installed' };
      if (isStatus(e, 403)) return { ok: false, reason: 'no_permission' };
      if (isStatus(e, 404)) return { ok: false, reason: 'app_not_in_catalog' };
      throw toFailure(e);
    }
  }

  /** The installation id of our app for a user (POST returns no body, so it is looked up), or null. */
  async findInstallation(userAadId: string, teamsAppCatalogId: string): Promise<string | null> {
    const body = await this.call(() =>
      this.client
        .api(`/users/${encodeURIComponent(userAadId)}/teamwork/installedApps`)
        .expand('teamsApp')
        .filter(`teamsApp/id eq '${teamsAppCatalogId.replace(/'/g, "''")}'`)
        .get(),
    );
    return listOf(installedAppSchema).parse(body).value[0]?.id ?? null;
  }

  /** The 1:1 chat between the user and the bot of the given installation. */
  async getInstalledAppChat(userAadId: string, installationId: string): Promise<string> {
    const body = await this.call(() =>
      this.client.api(`/users/${encodeURIComponent(userAadId)}/teamwork/installedApps/${encodeURIComponent(installationId)}/chat`).get(),
    );
    return chatSchema.parse(body).id;
  }

  /**
   * Uploads to `root:/<itemPath>` (segments already safe names), replacing a file of the same name.
   * ≤ 4 MB: one PUT; larger: an upload session and chunked PUTs to its pre-authenticated URL.
   */
  async uploadToDrive(driveId: string, itemPath: string, bytes: Buffer, contentType = 'application/octet-stream'): Promise<DriveItem> {
    const base = `/drives/${encodeURIComponent(driveId)}/root:/${encodeDrivePath(itemPath)}:`;
    if (bytes.length <= SIMPLE_UPLOAD_MAX_BYTES) {
      const body = await this.call(() =>
        this.client
          .api(`${base}/content`)
          .query({ '@microsoft.graph.conflictBehavior': 'replace' })
          .header('Content-Type', contentType)
          .put(bytes),
      );
      return driveItemSchema.parse(body);
    }
    const session = uploadSessionSchema.parse(
      await this.call(() =>
        this.client.api(`${base}/createUploadSession`).post({ item: { '@microsoft.graph.conflictBehavior': 'replace' } }),
      ),
    );
    return this.uploadChunks(session.uploadUrl, bytes);
  }

  private async uploadChunks(uploadUrl: string, bytes: Buffer): Promise<DriveItem> {
    for (let start = 0; start < bytes.length; start += UPLOAD_CHUNK_BYTES) {
      const chunk = bytes.subarray(start, Math.min(start + UPLOAD_CHUNK_BYTES, bytes.length));
      const end = start + chunk.length - 1;
      // The upload URL is pre-authenticated: sending our bearer token there is refused (401).
      const res = await sendWithRetry(
        () =>
          this.fetchImpl(uploadUrl, {
            method: 'PUT',
            headers: { 'Content-Length': String(chunk.length), 'Content-Range': `bytes ${start}-${end}/${bytes.length}` },
            body: chunk,
          }),
        this.retry,
      ).catch((e: unknown) => {
        throw toFailure(e);
      });
      const json: unknown = await res.json().catch(() => ({}));
      if (res.status === 200 || res.status === 201) return driveItemSchema.parse(json);
      if (res.status !== 202) {
        const err = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).safeParse(json);
        throw new GraphCallFailed(
          res.status,
          err.success ? err.data.error.code : 'upload_failed',
          err.success ? err.data.error.message : `Upload chunk failed: ${res.status}`,
          RETRY_STATUSES.has(res.status) || res.status >= 500,
          parseRetryAfter(res.headers.get('retry-after')),
        );
      }
    }
    throw new GraphCallFailed(500, 'upload_incomplete', 'Upload session did not return the created item', true);
  }

  async downloadFromDrive(driveId: string, itemId: string): Promise<Buffer> {
    const body = await this.call(() =>
      this.client
        .api(`/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(itemId)}/content`)
        .responseType(ResponseType.ARRAYBUFFER)
        .get(),
    );
    if (!(body instanceof ArrayBuffer)) throw new GraphCallFailed(500, 'unexpected_body', 'Drive content was not binary', false);
    return Buffer.from(body);
  }
}

/**
 * Graph per tenant. An app-only token reads one tenant's directory, and a multi-tenant bot meets
 * people of many: a partner's tenant, the review team's tenant. Asking the home tenant's directory
 * about another tenant's person would find nobody (or, for people search, the wrong people), so
 * every caller asks for the tenant its person or organisation belongs to.
 */
export class GraphDirectory {
  private readonly byTenant = new Map<string, Graph>();
  constructor(
    private readonly baseUrl: string,
    private readonly tokenProvider: TokenProvider,
    /** The deployment's own tenant (GRAPH_TENANT_ID, or the managed identity's): SharePoint lives there. */
    readonly homeTenantId: string | undefined,
    /** GRAPH_MULTI_TENANT: every tenant whose admin consented to the app; otherwise the home tenant only. */
    readonly multiTenant: boolean,
    private readonly opts: { retry?: Partial<RetryPolicy>; fetchImpl?: typeof fetch } = {},
  ) {}

  /** Graph for this tenant's directory, or null when this deployment's credentials do not reach it. */
  forTenant(tenantId: string | null | undefined): Graph | null {
    if (!tenantId) return null;
    const t = tenantId.toLowerCase();
    if (!this.multiTenant && t !== this.homeTenantId?.toLowerCase()) return null;
    let graph = this.byTenant.get(t);
    if (!graph) {
      graph = new Graph(this.baseUrl, () => this.tokenProvider(t), this.opts);
      this.byTenant.set(t, graph);
    }
    return graph;
  }

  /** Graph in the deployment's own tenant (the SharePoint file store), or null without one. */
  home(): Graph | null {
    return this.forTenant(this.homeTenantId);
  }
}

/** null when Graph is not configured (local playground): callers degrade (no people search, no proactive install). */
export function createGraph(config: Config, opts: GraphOptions = {}): GraphDirectory | null {
  const g = config.graph;
  const tokenProvider = opts.tokenProvider ?? configuredTokenProvider(g);
  if (!tokenProvider) return null;
  return new GraphDirectory(g.baseUrl, tokenProvider, g.tenantId, g.multiTenant, { retry: opts.retry, fetchImpl: opts.fetchImpl });
}
