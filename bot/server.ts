import restify from 'restify';
import type { CloudAdapter } from 'botbuilder';
import type { ActivityHandler } from 'botbuilder';
import type { Db } from '../services/db/client';
import { log } from '../services/log';

export type RunningServer = { url: string; port: number; close: () => Promise<void> };

/**
 * restify: POST /api/messages through the CloudAdapter, GET /healthz (process and database up).
 * `close` stops accepting connections and waits for in-flight turns to finish.
 */
export async function startHttpServer(opts: {
  adapter: CloudAdapter;
  bot: ActivityHandler;
  db: Db;
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
  routes?: (server: restify.Server) => void;
}): Promise<RunningServer> {
  const server = restify.createServer({ name: 'coop-claims' });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024 }));
  let inFlight = 0;
  let draining: (() => void) | null = null;

  server.post('/api/messages', async (req, res) => {
    inFlight++;
    try {
      await opts.adapter.process(req, res, (context) => opts.bot.run(context));
    } finally {
      inFlight--;
      if (inFlight === 0 && draining) draining();
    }
  });

  server.get('/healthz', async (_req, res) => {
    try {
      await opts.db.$queryRaw`SELECT 1`;
      res.send(200, { status: 'ok', database: 'up' });
    } catch (e) {
      log.warn({ err: e }, 'health check: database down');
      res.send(503, { status: 'degraded', database: 'down' });
    }
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
