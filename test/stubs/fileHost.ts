/**
 * A local file server on 127.0.0.1 standing in for the hosts Teams hands out download URLs on.
 * It can redirect, and it can stream an (almost) endless body to prove the client stops early.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

type Route =
  | { kind: 'file'; bytes: Buffer; contentType: string; redirectTo?: string }
  | { kind: 'stream'; totalBytes: number; contentType: string; declareLength: boolean };

/** How a streamed response ended, seen from the server. */
export type StreamOutcome = { bytesWritten: number; completed: boolean };

export type FileHost = {
  url: string;
  /** Serve `bytes` at `path`, or answer 302 to `redirectTo` (absolute, or relative to this host). */
  serve(path: string, bytes: Buffer, contentType: string, opts?: { redirectTo?: string }): void;
  /** Stream `totalBytes` in 64 KiB chunks, respecting back-pressure; Content-Length is sent only if asked. */
  serveStream(path: string, totalBytes: number, opts?: { contentType?: string; declareLength?: boolean }): void;
  /** Resolves when the response on `path` ends, whether completed or cut off by the client. */
  streamEnded(path: string): Promise<StreamOutcome>;
  requests: { method: string; path: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
};

const CHUNK = Buffer.alloc(64 * 1024, 0x41);

export async function startFileHost(): Promise<FileHost> {
  const routes = new Map<string, Route>();
  const requests: FileHost['requests'] = [];
  const outcomes = new Map<string, { promise: Promise<StreamOutcome>; resolve: (o: StreamOutcome) => void }>();
  const outcomeFor = (path: string) => {
    let o = outcomes.get(path);
    if (!o) {
      let resolve!: (v: StreamOutcome) => void;
      const promise = new Promise<StreamOutcome>((r) => (resolve = r));
      o = { promise, resolve };
      outcomes.set(path, o);
    }
    return o;
  };

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    const route = routes.get(path);
    if (!route) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    if (route.kind === 'file') {
      if (route.redirectTo) {
        res.writeHead(302, { Location: route.redirectTo });
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Type': route.contentType, 'Content-Length': String(route.bytes.length) });
      res.end(route.bytes);
      return;
    }
    let written = 0;
    res.writeHead(200, {
      'Content-Type': route.contentType,
      ...(route.declareLength ? { 'Content-Length': String(route.totalBytes) } : {}),
    });
    res.on('close', () => outcomeFor(path).resolve({ bytesWritten: written, completed: res.writableFinished }));
    const pump = () => {
      while (written < route.totalBytes && !res.destroyed) {
        const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, route.totalBytes - written));
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    serve: (path, bytes, contentType, opts = {}) => routes.set(path, { kind: 'file', bytes, contentType, redirectTo: opts.redirectTo }),
    serveStream: (path, totalBytes, opts = {}) =>
      routes.set(path, {
        kind: 'stream',
        totalBytes,
        contentType: opts.contentType ?? 'application/pdf',
        declareLength: opts.declareLength ?? false,
      }),
    streamEnded: (path) => outcomeFor(path).promise,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
