import type Restify from 'restify';
import type { CloudAdapter } from 'botbuilder';
import type { ActivityHandler } from 'botbuilder';
import { log } from '../services/log';
import { traceTurn } from '../services/telemetry';
import type { Readiness } from '../services/readiness';

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

/**
 * restify: POST /api/messages through the CloudAdapter; GET /healthz (the process answers: liveness, no I/O) and
 * GET /readyz (database, migrations, outbox: readiness for traffic).
 * `close` stops accepting connections and waits for in-flight turns to finish.
 */
export async function startHttpServer(opts: {
  adapter: CloudAdapter;
  bot: ActivityHandler;
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
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024 }));
  let inFlight = 0;
  let draining: (() => void) | null = null;

  server.post('/api/messages', async (req, res) => {
    inFlight++;
    try {
      await opts.adapter.process(req, res, (context) => {
        const a = context.activity;
        return traceTurn({ type: a.type, name: a.name, tenantId: a.conversation?.tenantId }, () => opts.bot.run(context));
      });
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

  await new Promise<void>((resolve) => server.listen(opts.port, opts.host, resolve));
  const addr = server.address();
  const port = addr.port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if (inFlight === 0) return;
        draining = resolve;
      });
    },
  };
}
