/**
 * A local stand-in for Microsoft Graph on 127.0.0.1, speaking its wire format: `{ value: [...] }`
 * collections with `@odata.context`, `{ error: { code, message } }` bodies, Retry-After on throttling,
 * 302 from drive item content to a pre-authenticated download URL, and upload sessions with
 * Content-Range chunks (multiples of 320 KiB, no bearer token allowed on the upload URL).
 * No token endpoint: MSAL (behind ClientSecretCredential) refuses a non-https authority, so tests
 * inject a token provider and the stub only checks that a bearer token is present.
 */
import http from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export type StubUser = {
  id: string;
  displayName: string;
  mail?: string | null;
  userPrincipalName?: string;
  preferredLanguage?: string | null;
  /** Graph's "Member" (default) or "Guest" (someone of another organisation invited into the tenant). */
  userType?: 'Member' | 'Guest';
};

export type RecordedRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  at: number;
};

export type Fault = { status: number; retryAfter?: number; times: number; method?: string };

type DriveItem = { id: string; name: string; path: string; bytes: Buffer; contentType: string; created: string };
type UploadSession = { driveId: string; path: string; received: Buffer[]; receivedBytes: number; total?: number };

export type GraphStubOptions = {
  users?: StubUser[];
  /** Teams app catalog ids that exist; installing any other id is a 404. Default: any id exists. */
  catalogAppIds?: string[];
  /** Every install is refused with 403 (the app lacks TeamsAppInstallation.ReadWriteForUser.All). */
  installForbidden?: boolean;
  /** Activated directory roles by role template id → member object ids (users; a `group:` prefix makes a group member). */
  directoryRoles?: Record<string, string[]>;
  /** Reading directory roles is refused with 403 (the app lacks RoleManagement.Read.Directory). */
  directoryRolesForbidden?: boolean;
  /** Group id → member user ids (transitive, as checkMemberGroups answers). */
  groupMembers?: Record<string, string[]>;
  /** checkMemberGroups is refused with 403 (the app lacks GroupMember.Read.All). */
  groupMembershipForbidden?: boolean;
  /**
   * Other tenants' directories, by the bearer token a test's token provider hands out for that tenant
   * (an app-only token reads the directory of the tenant it was issued in). Any other token reads `users` /
   * `directoryRoles` above.
   */
  directoriesByToken?: Record<string, { users?: StubUser[]; directoryRoles?: Record<string, string[]> }>;
};

export type GraphStub = {
  url: string;
  requests: RecordedRequest[];
  /** Next `times` requests whose path matches answer with `status` (and Retry-After when given). */
  setFault(pattern: string | RegExp, fault: Fault): void;
  /** What the stub holds, for assertions. */
  driveItem(id: string): DriveItem | undefined;
  installedApps(userId: string): { installationId: string; teamsAppId: string }[];
  close(): Promise<void>;
};

const SIMPLE_UPLOAD_LIMIT = 4 * 1024 * 1024;
const CHUNK_UNIT = 320 * 1024;

export async function startGraphStub(opts: GraphStubOptions = {}): Promise<GraphStub> {
  const homeUsers = opts.users ?? [];
  const faults: { pattern: string | RegExp; fault: Fault }[] = [];
  const requests: RecordedRequest[] = [];
  const items = new Map<string, DriveItem>();
  const sessions = new Map<string, UploadSession>();
  const installs = new Map<string, { installationId: string; teamsAppId: string }[]>();
  let base = '';

  const send = (res: http.ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    if (body === undefined) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    // Not chained: restify, loaded in the same test process, patches writeHead to return nothing.
    res.writeHead(status, {
      'Content-Type': 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
      'request-id': randomUUID(),
      ...headers,
    });
    res.end(text);
  };
  const error = (res: http.ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    send(res, status, { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': randomUUID() } } }, headers);
  const ctx = (what: string) => `${base}/v1.0/$metadata#${what}`;

  const userView = (u: StubUser, select?: string[]) => {
    const full: Record<string, unknown> = {
      id: u.id,
      displayName: u.displayName,
      mail: u.mail ?? null,
      userPrincipalName: u.userPrincipalName ?? u.mail ?? `${u.id}@contoso.onmicrosoft.com`,
      preferredLanguage: u.preferredLanguage ?? null,
      userType: u.userType ?? 'Member',
    };
    return select ? Object.fromEntries(select.map((f) => [f, full[f] ?? null])) : full;
  };
  const itemView = (i: DriveItem, driveId: string) => ({
    '@odata.context': ctx(`drives('${driveId}')/items/$entity`),
    id: i.id,
    name: i.name,
    size: i.bytes.length,
    createdDateTime: i.created,
    webUrl: `https://contoso.sharepoint.com/sites/coop/Shared%20Documents/${i.path}`,
    file: { mimeType: i.contentType, hashes: { quickXorHash: createHash('sha1').update(i.bytes).digest('base64') } },
    parentReference: { driveId, path: `/drive/root:/${i.path.split('/').slice(0, -1).join('/')}` },
  });
  const storeItem = (driveId: string, path: string, bytes: Buffer, contentType: string): { item: DriveItem; created: boolean } => {
    const existing = [...items.values()].find((i) => i.path === `${driveId}/${path}`);
    const item: DriveItem = existing ?? {
      id: `01${randomUUID().replace(/-/g, '').toUpperCase().slice(0, 32)}`,
      name: path.split('/').pop()!,
      path: `${driveId}/${path}`,
      bytes,
      contentType,
      created: new Date().toISOString(),
    };
    Object.assign(item, { bytes, contentType });
    items.set(item.id, item);
    return { item, created: !existing };
  };

  // "displayName:alex" OR "mail:alex" → word-prefix match on either property, like Graph's tokenized search.
  const matchesSearch = (u: StubUser, search: string) => {
    const clauses = [...search.matchAll(/"(\w+):([^"]*)"/g)].map((m) => ({ prop: m[1], term: m[2].trim().toLowerCase() }));
    return clauses.some(({ prop, term }) => {
      const value = String((userView(u) as Record<string, unknown>)[prop] ?? '').toLowerCase();
      return term !== '' && (value.startsWith(term) || value.split(/[\s.@_-]+/).some((w) => w.startsWith(term)));
    });
  };

  const route = (req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer) => {
    const method = req.method ?? 'GET';
    const path = decodeURIComponent(url.pathname);

    const fault = faults.find(
      (f) =>
        f.fault.times > 0 &&
        (!f.fault.method || f.fault.method === method) &&
        (typeof f.pattern === 'string' ? path.includes(f.pattern) : f.pattern.test(path)),
    );
    if (fault) {
      fault.fault.times--;
      const code =
        fault.fault.status === 429
          ? 'TooManyRequests'
          : fault.fault.status === 403
            ? 'Forbidden'
            : fault.fault.status >= 500
              ? 'ServiceUnavailable'
              : 'BadRequest';
      return error(
        res,
        fault.fault.status,
        code,
        `Injected fault ${fault.fault.status}`,
        fault.fault.retryAfter !== undefined ? { 'Retry-After': String(fault.fault.retryAfter) } : {},
      );
    }

    let m: RegExpMatchArray | null;
    // Pre-authenticated URLs: a bearer token here is a client bug (Graph answers 401).
    if ((m = path.match(/^\/_upload\/([\w-]+)$/)) && method === 'PUT') {
      if (req.headers.authorization)
        return error(res, 401, 'unauthenticated', 'Upload URLs are pre-authenticated; do not send Authorization');
      const session = sessions.get(m[1]);
      if (!session) return error(res, 404, 'itemNotFound', 'The upload session was not found');
      const range = String(req.headers['content-range'] ?? '').match(/^bytes (\d+)-(\d+)\/(\d+)$/);
      if (!range) return error(res, 400, 'invalidRequest', 'Missing or invalid Content-Range');
      const [start, end, total] = range.slice(1).map(Number);
      if (start !== session.receivedBytes) return error(res, 416, 'invalidRange', `Expected range starting at ${session.receivedBytes}`);
      if (end - start + 1 !== body.length) return error(res, 400, 'invalidRequest', 'Content-Range does not match body length');
      if (end + 1 < total && body.length % CHUNK_UNIT !== 0)
        return error(res, 400, 'invalidRequest', 'Fragment size must be a multiple of 320 KiB');
      session.received.push(body);
      session.receivedBytes += body.length;
      session.total = total;
      if (session.receivedBytes < total) {
        return send(res, 202, {
          expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
          nextExpectedRanges: [`${session.receivedBytes}-`],
        });
      }
      sessions.delete(m[1]);
      const { item, created } = storeItem(session.driveId, session.path, Buffer.concat(session.received), 'application/octet-stream');
      return send(res, created ? 201 : 200, itemView(item, session.driveId));
    }
    if ((m = path.match(/^\/_download\/([\w-]+)$/)) && method === 'GET') {
      const item = items.get(m[1]);
      if (!item) return error(res, 404, 'itemNotFound', 'The resource could not be found.');
      res.writeHead(200, { 'Content-Type': item.contentType, 'Content-Length': String(item.bytes.length) });
      res.end(item.bytes);
      return;
    }

    if (!path.startsWith('/v1.0/')) return error(res, 404, 'UnknownError', 'Not found');
    if (!/^Bearer \S+$/.test(String(req.headers.authorization ?? ''))) {
      return error(res, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
    }
    const p = path.slice('/v1.0'.length);
    const tenantDirectory = opts.directoriesByToken?.[String(req.headers.authorization).slice('Bearer '.length)];
    const users = tenantDirectory ? (tenantDirectory.users ?? []) : homeUsers;
    const directoryRoles = tenantDirectory ? tenantDirectory.directoryRoles : opts.directoryRoles;
    const select = url.searchParams.get('$select')?.split(',');

    if (p === '/users' && method === 'GET') {
      const search = url.searchParams.get('$search');
      if (search && req.headers.consistencylevel !== 'eventual') {
        return error(
          res,
          400,
          'Request_UnsupportedQuery',
          "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
        );
      }
      const top = Number(url.searchParams.get('$top') ?? 100);
      const found = users.filter((u) => !search || matchesSearch(u, search)).slice(0, top);
      return send(res, 200, {
        '@odata.context': ctx(select ? `users(${select.join(',')})` : 'users'),
        value: found.map((u) => userView(u, select)),
      });
    }
    if ((m = p.match(/^\/users\/([^/]+)$/)) && method === 'GET') {
      const u = users.find((x) => x.id === m![1] || x.userPrincipalName === m![1]);
      if (!u)
        return error(
          res,
          404,
          'Request_ResourceNotFound',
          `Resource '${m[1]}' does not exist or one of its queried reference-property objects are not present.`,
        );
      return send(res, 200, {
        '@odata.context': ctx(select ? `users(${select.join(',')})/$entity` : 'users/$entity'),
        ...userView(u, select),
      });
    }
    if ((m = p.match(/^\/(?:users|directoryObjects)\/([^/]+)\/checkMemberGroups$/)) && method === 'POST') {
      if (opts.groupMembershipForbidden)
        return error(res, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
      const parsed = JSON.parse(body.toString('utf8') || '{}') as { groupIds?: unknown };
      if (!Array.isArray(parsed.groupIds) || parsed.groupIds.length > 20)
        return error(res, 400, 'Request_BadRequest', 'groupIds must be a list of at most 20 ids.');
      const userId = m[1];
      const ids = (parsed.groupIds as unknown[]).map(String);
      return send(res, 200, {
        '@odata.context': ctx('Collection(Edm.String)'),
        value: ids.filter((g) => opts.groupMembers?.[g]?.includes(userId)),
      });
    }
    // Both addressing forms Graph documents: directoryRoles(roleTemplateId='…') and directoryRoles/roleTemplateId=….
    if ((m = p.match(/^\/directoryRoles(?:\(roleTemplateId='([^']+)'\)|\/roleTemplateId=([^/]+))\/members$/)) && method === 'GET') {
      if (opts.directoryRolesForbidden)
        return error(res, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
      const template = m[1] ?? m[2]!;
      const members = directoryRoles?.[template];
      if (!members)
        return error(
          res,
          404,
          'Request_ResourceNotFound',
          `Resource 'roleTemplateId=${template}' does not exist or one of its queried reference-property objects are not present.`,
        );
      return send(res, 200, {
        '@odata.context': ctx(select ? `directoryObjects(${select.join(',')})` : 'directoryObjects'),
        value: members.map((id) =>
          id.startsWith('group:')
            ? { '@odata.type': '#microsoft.graph.group', id: id.slice('group:'.length) }
            : {
                '@odata.type': '#microsoft.graph.user',
                id,
                ...(select ? {} : { displayName: users.find((u) => u.id === id)?.displayName ?? null }),
              },
        ),
      });
    }
    if ((m = p.match(/^\/users\/([^/]+)\/teamwork\/installedApps$/))) {
      const userId = m[1];
      if (!users.some((u) => u.id === userId)) return error(res, 404, 'NotFound', 'User not found');
      const list = installs.get(userId) ?? [];
      if (method === 'GET') {
        const filter = url.searchParams.get('$filter')?.match(/^teamsApp\/id eq '(.*)'$/);
        const shown = filter ? list.filter((i) => i.teamsAppId === filter[1].replace(/''/g, "'")) : list;
        return send(res, 200, {
          '@odata.context': ctx(`users('${userId}')/teamwork/installedApps(teamsApp())`),
          value: shown.map((i) => ({
            id: i.installationId,
            teamsApp: { id: i.teamsAppId, externalId: null, displayName: 'Co-op Claims', distributionMethod: 'organization' },
          })),
        });
      }
      if (method === 'POST') {
        if (opts.installForbidden)
          return error(
            res,
            403,
            'Forbidden',
            'Missing role permissions on the request. API requires one of TeamsAppInstallation.ReadWriteForUser.All.',
          );
        const parsed = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
        const bind = String(parsed['teamsApp@odata.bind'] ?? '').match(/\/appCatalogs\/teamsApps\/([^/]+)$/);
        if (!bind) return error(res, 400, 'BadRequest', 'teamsApp@odata.bind is required');
        const appId = bind[1];
        if (opts.catalogAppIds && !opts.catalogAppIds.includes(appId))
          return error(res, 404, 'NotFound', `App '${appId}' was not found in the app catalog.`);
        if (list.some((i) => i.teamsAppId === appId)) return error(res, 409, 'Conflict', 'App is already installed for this user.');
        const installationId = Buffer.from(`${userId}##${appId}`).toString('base64');
        installs.set(userId, [...list, { installationId, teamsAppId: appId }]);
        return send(res, 201);
      }
    }
    if ((m = p.match(/^\/users\/([^/]+)\/teamwork\/installedApps\/([^/]+)\/chat$/)) && method === 'GET') {
      const inst = (installs.get(m[1]) ?? []).find((i) => i.installationId === m![2]);
      if (!inst) return error(res, 404, 'NotFound', 'Installation not found');
      return send(res, 200, {
        '@odata.context': ctx(`chats/$entity`),
        id: `19:${m[1]}_${inst.teamsAppId}@unq.gbl.spaces`,
        topic: null,
        chatType: 'oneOnOne',
        createdDateTime: new Date().toISOString(),
      });
    }
    if ((m = p.match(/^\/drives\/([^/]+)\/root:\/(.+):\/content$/)) && method === 'PUT') {
      if (body.length > SIMPLE_UPLOAD_LIMIT) return error(res, 413, 'requestTooLarge', 'Use an upload session for files over 4 MB');
      const { item, created } = storeItem(m[1], m[2], body, String(req.headers['content-type'] ?? 'application/octet-stream'));
      return send(res, created ? 201 : 200, itemView(item, m[1]));
    }
    if ((m = p.match(/^\/drives\/([^/]+)\/root:\/(.+):\/createUploadSession$/)) && method === 'POST') {
      const id = randomUUID();
      sessions.set(id, { driveId: m[1], path: m[2], received: [], receivedBytes: 0 });
      return send(res, 200, {
        '@odata.context': ctx('microsoft.graph.uploadSession'),
        uploadUrl: `${base}/_upload/${id}`,
        expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
        nextExpectedRanges: ['0-'],
      });
    }
    if ((m = p.match(/^\/drives\/([^/]+)\/items\/([^/]+)\/content$/)) && method === 'GET') {
      if (!items.has(m[2])) return error(res, 404, 'itemNotFound', 'The resource could not be found.');
      res.writeHead(302, { Location: `${base}/_download/${m[2]}` });
      res.end();
      return;
    }
    return error(res, 400, 'BadRequest', `Unsupported request ${method} ${p}`);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      const body = Buffer.concat(chunks);
      requests.push({
        method: req.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        query: url.searchParams,
        headers: req.headers,
        body,
        at: Date.now(),
      });
      try {
        route(req, res, url, body);
      } catch (e) {
        error(res, 500, 'InternalServerError', e instanceof Error ? e.message : String(e));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    requests,
    setFault: (pattern, fault) => faults.push({ pattern, fault: { ...fault } }),
    driveItem: (id) => items.get(id),
    installedApps: (userId) => installs.get(userId) ?? [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
