import type { Logger } from 'pino';

/**
 * Runs periodic jobs (expire drafts, warn before expiry, remind overdue uploads) every interval.
 * Within one process a job never overlaps itself; across replicas each job guards itself (JobRun
 * rows, conditional updates), so the scheduler can run on every replica.
 */

export type ScheduledJob = { name: string; run: () => Promise<number> };

export type Scheduler = {
  /** Stops the timers and waits for any running job to finish. */
  stop(): Promise<void>;
  /** Runs every job once now (skipping any already running); resolves to what each job reported. */
  runOnce(): Promise<Record<string, number>>;
};

export function startScheduler(opts: {
  intervalSeconds: number;
  jobs: ScheduledJob[];
  log: Pick<Logger, 'info' | 'error' | 'debug'>;
  runAtStart?: boolean;
}): Scheduler {
  const { jobs, log } = opts;
  const running = new Map<string, Promise<number>>();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  function runJob(job: ScheduledJob): Promise<number> {
    const current = running.get(job.name);
    if (current) return current.then(() => 0);
    const started = Date.now();
    const p = (async () => {
      try {
        const n = await job.run();
        if (n > 0) log.info({ job: job.name, count: n, ms: Date.now() - started }, 'scheduled job done');
        else log.debug({ job: job.name, ms: Date.now() - started }, 'scheduled job had nothing to do');
        return n;
      } catch (e) {
        log.error({ err: e, job: job.name }, 'scheduled job failed');
        return 0;
      } finally {
        running.delete(job.name);
      }
    })();
    running.set(job.name, p);
    return p;
  }

  async function runOnce(): Promise<Record<string, number>> {
    const results = await Promise.all(jobs.map(async (j) => [j.name, await runJob(j)] as const));
    return Object.fromEntries(results);
  }

  function tick(): void {
    if (stopped) return;
    for (const j of jobs) void runJob(j);
  }

  const intervalMs = Math.max(10, Math.round(opts.intervalSeconds * 1000));
  timer = setInterval(tick, intervalMs);
  timer.unref();
  if (opts.runAtStart) tick();

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await Promise.allSettled([...running.values()]);
    },
  };
}
