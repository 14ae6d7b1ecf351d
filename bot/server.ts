import type Restify from 'restify';
import type { ActivityHandler } from 'botbuilder';
import type { Config } from '../services/config';
import { log } from '../services/log';
import { traceTurn } from '../services/telemetry';
import type { Readiness } from '../services/readiness';
import { legalPage, LEGAL_PAGES } from './legalPages';
import { checkActivity } from './activityEnvelope';
import { NotAuthenticated, invokeError, isLocalMode, type CoopAdapter } from './adapter';

/**
 * restify requires spdy (HTTP/2 over TLS, which this server never uses) at load, and spdy's http-deceiver reads
 * process.binding('http_parser'): Node prints DEP0111 twice at every start. The access happens in code we never
 * call, so that one deprecation is filtered while restify loads; every other warning, later ones included, is
 * printed as usual.
 */
function loadRestify(): typeof Restify {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: unknown }).code : rest[1];
    if (code === 'DEP0111') return;
    (emitWarning as (w: string | Error, ...r: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded inside the filter above, on purpose
    return require('restify') as typeof Restify;
  } finally {
    process.emitWarning = emitWarning;
  }
}
const restify = loadRestify();

export type RunningServer = { url: string; port: number; close: () => Promise<void> };

const httpLog = log.child({ mod: 'http' });
const fixedMessage = (status: number) =>
  status === 404 ? 'Nothing is here.' : status === 405 ? 'This method is not allowed here.' : 'The request was not accepted.';

/** How long a stop waits for turns in flight (Azure App Service allows a stopping container about 30 s). */
export const CLOSE_GRACE_MS = 20_000;

/** Fixed answers: nothing from the request or from an exception is ever echoed to the caller. */
const UNAUTHORIZED = { error: { code: 'Unauthorized', message: 'Authentication is required.' } };
const BAD_REQUEST = 'The request is not a valid Bot Framework activity.';
const MAX_BODY_BYTES = 1024 * 1024;

type Answer = { status: number; body?: unknown };

/**
 * The request body as sent, at most MAX_BODY_BYTES. restify's bodyReader is not used: with
 * `Content-Encoding: gzip` it pipes into a gunzip stream without an error listener, so one request
 * whose body is not gzip crashed the whole process (an unhandled 'error' event), before any token
 * check; and it counted compressed bytes only (a small gzip bomb filled memory). The Bot Framework
 * sends plain JSON, so any content coding is refused (415) and nothing is ever decompressed.
 */
async function readBody(req: Restify.Request): Promise<{ ok: true; bytes: Buffer } | { ok: false; answer: Answer; why: string }> {
  const coding = String(req.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  const refuse = (status: number, code: string, message: string, why: string) => {
    req.resume(); // drain what the client still sends, so it reads our answer
    return { ok: false as const, answer: { status, body: { error: { code, message } } }, why };
  };
  if (coding !== 'identity' && coding !== '')
    return refuse(
      415,
      'UnsupportedMediaType',
      'Content-Encoding is not supported; send the activity as plain JSON.',
      `content encoding ${coding.slice(0, 50)}`,
    );
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES)
    return refuse(413, 'PayloadTooLarge', 'The request body is larger than 1 MB.', `content-length ${declared}`);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.once('end', () =>
      resolve(
        tooLarge
          ? refuse(413, 'PayloadTooLarge', 'The request body is larger than 1 MB.', `body over ${MAX_BODY_BYTES} bytes`)
          : { ok: true, bytes: Buffer.concat(chunks) },
      ),
    );
    // A client that goes away mid-body gets no answer (there is nobody to read it); nothing is processed.
    req.once('error', () => resolve({ ok: false, answer: { status: 400 }, why: 'request aborted' }));
    req.once('aborted', () => resolve({ ok: false, answer: { status: 400 }, why: 'request aborted' }));
  });
}

/**
 * POST /api/messages, from raw bytes to the turn. Each step answers for itself: not JSON or not an
 * activity → 400 (an invoke: an error invoke response), no valid token → 401 with a fixed body, then
 * the turn (its failures are onTurnError's). Every refusal is one warning line, never a stack.
 */
async function answerActivity(adapter: CoopAdapter, bot: ActivityHandler, authenticated: boolean, req: Restify.Request): Promise<Answer> {
  const remote = req.socket?.remoteAddress;
  const badRequest = (isInvoke: boolean, why: string, fields?: string[]): Answer => {
    httpLog.warn({ remote, why, fields }, 'malformed activity refused (400)');
    return {
      status: 400,
      body: isInvoke ? invokeError(400, 'BadRequest', BAD_REQUEST) : { error: { code: 'BadRequest', message: BAD_REQUEST } },
    };
  };
  const authHeader = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
  if (authenticated && !/^Bearer \S+$/i.test(authHeader)) {
    httpLog.warn(
      { remote, reason: authHeader ? 'not a bearer token' : 'no Authorization header' },
      'request refused: not authenticated (401)',
    );
    return { status: 401, body: UNAUTHORIZED };
  }
  if (!req.is('application/json')) {
    req.resume();
    return badRequest(false, `content type ${String(req.headers['content-type'] ?? 'none').slice(0, 100)}`);
  }
  const read = await readBody(req);
  if (!read.ok) {
    httpLog.warn({ remote, why: read.why }, `request refused (${read.answer.status})`);
    return read.answer;
  }
  let body: unknown;
  try {
    // A UTF-8 byte order mark is allowed before JSON text (RFC 8259 §8.1 lets a parser ignore it).
    body = JSON.parse(read.bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    return badRequest(false, 'body is not JSON');
  }
  const checked = checkActivity(body);
  if (!checked.ok) return badRequest(checked.isInvoke, 'not an activity', checked.fields);
  const activity = checked.activity;
  let auth;
  try {
    auth = await adapter.authenticate(activity, authHeader);
  } catch (e) {
    const reason = e instanceof NotAuthenticated ? e.reason : String(e);
    httpLog.warn({ remote, reason }, 'request refused: not authenticated (401)');
    return { status: 401, body: UNAUTHORIZED };
  }
  const invoke = await adapter.runTurn(auth, activity, (context) => {
    const a = context.activity;
    return traceTurn({ type: a.type, name: a.name, tenantId: a.conversation?.tenantId }, () => bot.run(context));
  });
  return invoke ? { status: invoke.status, body: invoke.body } : { status: 200 };
}

/**
 * restify: POST /api/messages through the CloudAdapter; GET /healthz (the process answers: liveness, no I/O) and
 * GET /readyz (database, migrations, outbox: readiness for traffic).
 * `close` stops accepting connections and waits for in-flight turns to finish.
 */
export async function startHttpServer(opts: {
  adapter: CoopAdapter;
  bot: ActivityHandler;
  config: Config;
  readiness: () => Promise<Readiness>;
  port: number;
  host: string;
  /** GET /files/:documentId/:expires/:signature — a signed document link from a card. */
  openDocument: (
    documentId: string,
    expires: string,
    signature: string,
  ) => Promise<{ bytes: Buffer; fileName: string; contentType: string } | null>;
  /** GET /templates/funds/:organisationId/:expires/:signature — the signed funds CSV template from the organisation card. */
  openFundsTemplate?: (organisationId: string, expires: string, signature: string) => Promise<string | null>;
  /** More GET routes (e.g. export downloads, bot/exportRoutes.ts). */
  routes?: (server: Restify.Server) => void;
}): Promise<RunningServer> {
  const server = restify.createServer({ name: 'coop-claims' });
  // restify's own errors (no route, wrong method) echo the request's path and method in their
  // message: answer with a fixed body per status instead, like every other refusal here.
  server.on('restifyError', (_req: unknown, _res: unknown, err: { statusCode?: number; toJSON?: () => unknown }, done: () => void) => {
    const status = err.statusCode ?? 500;
    err.toJSON = () => ({
      error: { code: status === 404 ? 'NotFound' : status === 405 ? 'MethodNotAllowed' : 'BadRequest', message: fixedMessage(status) },
    });
    return done();
  });
  // No body plugin: answerActivity reads the bytes itself (readBody) and refuses with 400/413/415, never crashes.
  const authenticated = !isLocalMode(opts.config);
  let inFlight = 0;
  let draining: (() => void) | null = null;

  server.post('/api/messages', async (req, res) => {
    inFlight++;
    try {
      const answer = await answerActivity(opts.adapter, opts.bot, authenticated, req).catch((e: unknown): Answer => {
        // Only a fault of ours gets here (the turn's own errors are onTurnError's); still no detail leaves.
        httpLog.error({ err: e }, 'activity not processed');
        return { status: 500, body: { error: { code: 'InternalServerError', message: 'Something went wrong on our side.' } } };
      });
      res.status(answer.status);
      if (answer.body !== undefined) res.json(answer.body);
      else res.end();
    } finally {
      inFlight--;
      if (inFlight === 0 && draining) draining();
    }
  });

  // Liveness: a restart would not help with a database outage, so this never touches the database.
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });

  server.get('/readyz', async (_req, res) => {
    const r = await opts.readiness();
    if (!r.ready) log.warn({ readiness: r }, 'not ready');
    res.send(r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', ...r });
  });

  // The manifest's website, privacy and terms links (developer.websiteUrl / privacyUrl / termsOfUseUrl).
  for (const name of LEGAL_PAGES) {
    server.get(name === 'home' ? '/' : `/${name}`, async (_req, res) => {
      const body = Buffer.from(legalPage(name), 'utf8');
      res.writeHead(200, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': body.length,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'public, max-age=3600',
      });
      res.end(body);
    });
  }

  server.get('/files/:documentId/:expires/:signature', async (req, res) => {
    const p = req.params as Record<string, string>;
    const file = await opts.openDocument(p.documentId ?? '', p.expires ?? '', p.signature ?? '').catch((e: Error) => {
      log.warn({ err: e.message }, 'document link failed');
      return null;
    });
    if (!file) {
      res.send(404, { error: 'This link has expired or is not valid. Open the claim in Teams to get a new one.' });
      return;
    }
    // The name is shown to the browser only, never used as a path; quotes and control characters removed.
    const safeName = file.fileName.replace(/["\\\r\n]/g, '_');
    res.writeHead(200, {
      'Content-Type': file.contentType,
      'Content-Length': file.bytes.length,
      'Content-Disposition': `inline; filename="${safeName}"`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, max-age=300',
    });
    res.end(file.bytes);
  });

  server.get('/templates/funds/:organisationId/:expires/:signature', async (req, res) => {
    const p = req.params as Record<string, string>;
    const csv = opts.openFundsTemplate
      ? await opts.openFundsTemplate(p.organisationId ?? '', p.expires ?? '', p.signature ?? '').catch((e: Error) => {
          log.warn({ err: e.message }, 'funds template link failed');
          return null;
        })
      : null;
    if (csv === null) {
      res.send(404, { error: 'This link has expired or is not valid. Open "admin" in Teams to get a new one.' });
      return;
    }
    const body = Buffer.from(csv, 'utf8');
    res.writeHead(200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Length': body.length,
      'Content-Disposition': 'attachment; filename="funds-template.csv"',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
    });
    res.end(body);
  });

  opts.routes?.(server);

  // A port in use must fail the start with its reason (EADDRINUSE), not crash later as an unhandled 'error' event.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = addr.port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      let forced: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A turn stuck on something outside us must not keep the process from stopping (the platform
        // kills it a little later anyway): after the grace its connection is cut, and the log says so.
        forced = setTimeout(() => {
          httpLog.warn(
            { inFlight, graceMs: CLOSE_GRACE_MS },
            'stopping: turns still running after the grace; their connections are closed',
          );
          server.server.closeAllConnections();
          resolve();
        }, CLOSE_GRACE_MS);
        forced.unref();
        if (inFlight === 0) return;
        draining = resolve;
      });
      clearTimeout(forced);
    },
  };
}
