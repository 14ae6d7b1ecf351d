import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Teams' global per-tenant rate, in front of the connector stub (which enforces the
 * per-conversation limits): more than `perSecond` messages for one tenant in any 1 s window are
 * answered 429 with Retry-After, everything else is forwarded unchanged.
 */
export class TenantLimiter {
  throttled = 0;
  forwarded = 0;
  /** When each message forwarded to the connector arrived here (ms): the pacing as Teams would see it. */
  arrivals: number[] = [];
  private times = new Map<string, number[]>();
  private server!: http.Server;
  url = '';

  constructor(
    private readonly target: string,
    private readonly perSecond: number,
  ) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if ((req.method === 'POST' || req.method === 'PUT') && /\/activities/.test(req.url ?? '')) {
        let tenant = 'unknown';
        try {
          const a = JSON.parse(body.toString('utf8')) as {
            conversation?: { tenantId?: string };
            channelData?: { tenant?: { id?: string } };
          };
          tenant = a.conversation?.tenantId ?? a.channelData?.tenant?.id ?? 'unknown';
        } catch {
          /* forwarded as is: the stub answers 400 */
        }
        const now = Date.now();
        const recent = (this.times.get(tenant) ?? []).filter((t) => t > now - 1000);
        if (recent.length >= this.perSecond) {
          this.times.set(tenant, recent);
          this.throttled++;
          res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '1' });
          res.end(
            JSON.stringify({
              error: { code: 'Throttled', message: `More than ${this.perSecond} messages per second for tenant ${tenant}` },
            }),
          );
          return;
        }
        recent.push(now);
        this.times.set(tenant, recent);
        this.arrivals.push(now);
      }
      this.forwarded++;
      const t = new URL(req.url ?? '/', this.target);
      const fwd = http.request(
        { host: t.hostname, port: t.port, path: t.pathname + t.search, method: req.method, headers: { ...req.headers, host: t.host } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      fwd.on('error', (e) => {
        res.writeHead(502);
        res.end(e.message);
      });
      fwd.end(body);
    });
  }
}
