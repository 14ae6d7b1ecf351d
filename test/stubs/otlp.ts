import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A local OpenTelemetry collector: accepts OTLP/HTTP exports in JSON (OTEL_EXPORTER_OTLP_PROTOCOL=http/json) on
 * /v1/traces and /v1/metrics, as any collector does, and keeps what it received, decoded.
 */

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type KeyValue = { key: string; value: AnyValue };

export type ReceivedSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 1 internal, 2 server, 3 client (OTLP SpanKind). */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  status?: { code?: number };
  scope: string;
};

export type ReceivedMetric = { name: string; points: Array<{ attributes: Record<string, string | number | boolean>; value: number }> };

const flatten = (kvs: KeyValue[] | undefined) =>
  Object.fromEntries(
    (kvs ?? []).map(({ key, value }) => [
      key,
      value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue ?? '')),
    ]),
  );

type TracesRequest = {
  resourceSpans?: Array<{
    scopeSpans?: Array<{
      scope?: { name?: string };
      spans?: Array<Omit<ReceivedSpan, 'attributes' | 'scope'> & { attributes?: KeyValue[] }>;
    }>;
  }>;
};
type DataPoint = { attributes?: KeyValue[]; asInt?: string | number; asDouble?: number; count?: string | number; sum?: number };
type MetricsRequest = {
  resourceMetrics?: Array<{
    scopeMetrics?: Array<{
      metrics?: Array<{
        name: string;
        sum?: { dataPoints?: DataPoint[] };
        gauge?: { dataPoints?: DataPoint[] };
        histogram?: { dataPoints?: DataPoint[] };
      }>;
    }>;
  }>;
};

export class OtlpStub {
  readonly spans: ReceivedSpan[] = [];
  readonly metrics: ReceivedMetric[] = [];
  readonly exports: Array<{ path: string; contentType: string }> = [];
  url = '';
  private server!: http.Server;
  private sockets = new Set<Socket>();

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.exports.push({ path: req.url ?? '', contentType: String(req.headers['content-type'] ?? '') });
        try {
          const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (req.url === '/v1/traces') this.takeSpans(body as TracesRequest);
          else if (req.url === '/v1/metrics') this.takeMetrics(body as MetricsRequest);
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end('{}');
        } catch {
          res.writeHead(400, { 'Content-Type': 'application/json' });
          res.end('{"message":"expected OTLP JSON"}');
        }
      });
    });
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

  private takeSpans(body: TracesRequest) {
    for (const rs of body.resourceSpans ?? [])
      for (const ss of rs.scopeSpans ?? [])
        for (const s of ss.spans ?? []) this.spans.push({ ...s, attributes: flatten(s.attributes), scope: ss.scope?.name ?? '' });
  }

  private takeMetrics(body: MetricsRequest) {
    for (const rm of body.resourceMetrics ?? [])
      for (const sm of rm.scopeMetrics ?? [])
        for (const m of sm.metrics ?? []) {
          const points = (m.sum ?? m.gauge ?? m.histogram)?.dataPoints ?? [];
          this.metrics.push({
            name: m.name,
            points: points.map((p) => ({ attributes: flatten(p.attributes), value: Number(p.asInt ?? p.asDouble ?? p.count ?? 0) })),
          });
        }
  }

  /** The latest value reported for a metric series (exports are cumulative). */
  latest(name: string, match: Record<string, string | number> = {}): number | undefined {
    for (let i = this.metrics.length - 1; i >= 0; i--) {
      const m = this.metrics[i]!;
      if (m.name !== name) continue;
      const p = m.points.find((pt) => Object.entries(match).every(([k, v]) => pt.attributes[k] === v));
      if (p) return p.value;
    }
    return undefined;
  }

  async waitFor(what: string, predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > until) throw new Error(`OtlpStub: ${what} not received within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export const startOtlpStub = () => new OtlpStub().start();
