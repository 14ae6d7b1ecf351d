import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { MemoryBreakdown } from './proc';

export type ServerChild = {
  url: string;
  pid: number;
  memory: () => Promise<MemoryBreakdown>;
  /** CPU ms (user + system) the server process has used since it started. */
  cpuMs: () => Promise<number>;
  stop: () => Promise<void>;
};

/** Starts bench/server.js (compiled next to this file's parent) as a child process and waits for its URL. */
export async function startServerChild(args: string[], opts: { execArgv?: string[] } = {}): Promise<ServerChild> {
  // BENCH_PROFILE=<dir>: the server writes a V8 CPU profile there when it stops (to explain a missed target).
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`, `--cpu-prof-name=${args[0]}-${Date.now()}.cpuprofile`]
    : [];
  const execArgv = [...(opts.execArgv ?? ['--expose-gc']), '--no-deprecation', ...profile];
  const child: ChildProcess = fork(path.join(__dirname, '..', 'server.js'), args, {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const onMessage = (m: { ready?: string }) => {
      if (m.ready) {
        child.off('message', onMessage);
        resolve(m.ready);
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`bench server (${args[0]}) exited with ${code} before it was ready`)));
  });
  /** Sends `cmd` and resolves with the first answer carrying `key`. */
  const ask = <T>(cmd: string, key: string) =>
    new Promise<T>((resolve) => {
      const onMessage = (m: Record<string, unknown>) => {
        if (m[key] !== undefined) {
          child.off('message', onMessage);
          resolve(m[key] as T);
        }
      };
      child.on('message', onMessage);
      child.send({ cmd });
    });
  return {
    url,
    pid: child.pid!,
    memory: () => ask<MemoryBreakdown>('memory', 'memory'),
    cpuMs: async () => {
      const c = await ask<NodeJS.CpuUsage>('cpu', 'cpu');
      return (c.user + c.system) / 1000;
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.send({ cmd: 'stop' });
      }),
  };
}
