import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from '../../scripts/build';
import { projectRoot } from '../../services/paths';

/**
 * The bot as `npm start` runs it: `dist/bot/main.js`, built by `tsc -p tsconfig.build.json`, in its own
 * process, so tests can kill it (-9), start two of them, and read what an operator reads (its log).
 */

const MAIN = path.join(projectRoot, 'dist', 'bot', 'main.js');

/** Builds dist/ as `npm start` does (scripts/build.js: only when sources changed, one compiler at a time). */
export function ensureBuilt(): void {
  if (build({ quiet: true }) !== 0) throw new Error('npm run build failed');
}

export type LogLine = { level: number; msg: string; [k: string]: unknown };

export type BotProcess = {
  pid: number;
  url: string;
  /** Every JSON log line so far. */
  logs: LogLine[];
  stderr: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  kill: (signal: NodeJS.Signals) => void;
};

/**
 * Starts the bot in its own process group and kills the whole group (bot, initdb, PostgreSQL) with
 * SIGKILL as soon as `when` holds for its log: what a container stop or an OOM kill of the cgroup does.
 */
export async function killGroupWhen(
  env: Record<string, string>,
  when: (logs: LogLine[]) => boolean,
  timeoutMs = 60_000,
): Promise<LogLine[]> {
  const { child, logs } = launch(env, true);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (const until = Date.now() + timeoutMs; !when(logs); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() > until || child.exitCode !== null) break;
  }
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
  return logs;
}

/** A folder PostgreSQL (as user postgres under root) can use, for a bot's DATA_DIR. */
export function tempDataDir(prefix = 'coop-proc-'): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(base, 0o755);
  return path.join(base, 'data');
}

/** `detached`: the bot leads its own process group, so a test can kill it with its children (a container stop). */
function launch(env: Record<string, string>, detached = false): { child: ChildProcess; logs: LogLine[]; stderr: () => string } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.DATABASE_URL; // the embedded default, unless the test names a database
  delete childEnv.NODE_ENV;
  const child = spawn(process.execPath, [MAIN], {
    cwd: projectRoot,
    env: { ...childEnv, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SCHEDULER_INTERVAL_SECONDS: '3600', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  const logs: LogLine[] = [];
  let err = '';
  let buffered = '';
  child.stdout!.on('data', (c: Buffer) => {
    buffered += c.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const l of lines) {
      try {
        logs.push(JSON.parse(l) as LogLine);
      } catch {
        logs.push({ level: 30, msg: l });
      }
    }
  });
  child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  return { child, logs, stderr: () => err };
}

/** Starts `node dist/bot/main.js` and waits until it listens (or fails: then rejects with its output). */
export async function startBotProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<BotProcess> {
  const { child, logs, stderr } = launch(env);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const until = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));
  for (;;) {
    const listening = logs.find((l) => l.msg === 'Co-op Claims bot is listening');
    if (listening) {
      const url = String(listening.url).replace(/\/api\/messages$/, '');
      return { pid: child.pid!, url, logs, stderr, exited, kill: (s) => child.kill(s) };
    }
    if (exitCode !== undefined || Date.now() > until) {
      if (exitCode === undefined) child.kill('SIGKILL');
      throw new Error(`bot did not start (exit ${String(exitCode)}):\n${stderr()}\n${logs.map((l) => l.msg).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs the bot expecting it to fail at start; resolves with its exit code and what it printed. */
export async function failedStart(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; stderr: string; logs: LogLine[] }> {
  const { child, logs, stderr } = launch(env);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stderr: stderr(), logs };
}

/** The embedded server's pid and port from its postmaster.pid, while it runs. */
export function embeddedServer(dataDir: string): { pid: number; port: number } | null {
  try {
    const [pid, , , port] = fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
    return { pid: Number(pid), port: Number(port) };
  } catch {
    return null;
  }
}

/** True while the process runs (a zombie waiting to be reaped does not count). */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\S+ \(.*\) [ZX]/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc: trust the signal check
  }
};
