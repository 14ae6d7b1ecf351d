import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { build } from '../../scripts/build';

const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'dist', 'bot', 'main.js');

export type MainProcess = {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
  /** Resolves with the bot's base URL once it logs that it listens (PORT=0 picks a free port). */
  listening: (timeoutMs?: number) => Promise<string>;
  stop: () => Promise<number | null>;
};

/** Builds like `npm start` (scripts/build.js) and runs `node dist/bot/main.js` with only the given environment. */
export function runMain(env: Record<string, string>): MainProcess {
  if (build({ quiet: true }) !== 0) throw new Error('npm run build failed');
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c) => (output += String(c)));
  child.stderr!.on('data', (c) => (output += String(c)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => output,
    listening: async (timeoutMs = 60_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const url = /"url":"(http:\/\/[^"]+)\/api\/messages"/.exec(output)?.[1];
        if (url) return url;
        if (child.exitCode !== null) throw new Error(`the bot exited (${child.exitCode}):\n${output}`);
        if (Date.now() > until) throw new Error(`the bot did not listen within ${timeoutMs} ms:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
