import pino from 'pino';
import { startScheduler, type Scheduler } from '../../bot/scheduler';

const silent = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let scheduler: Scheduler | null = null;
afterEach(async () => {
  await scheduler?.stop();
  scheduler = null;
});

test('runs every job each interval, and a failing job does not stop the others', async () => {
  const runs: Record<string, number> = { a: 0, b: 0 };
  scheduler = startScheduler({
    intervalSeconds: 0.05,
    log: silent,
    jobs: [
      { name: 'a', run: async () => ++runs.a! },
      {
        name: 'b',
        run: async () => {
          runs.b! += 1;
          throw new Error('boom');
        },
      },
    ],
  });
  await sleep(300);
  expect(runs.a).toBeGreaterThanOrEqual(3);
  expect(runs.b).toBeGreaterThanOrEqual(3);
});

test('a slow job never overlaps itself within a process', async () => {
  let concurrent = 0;
  let maxConcurrent = 0;
  let runs = 0;
  scheduler = startScheduler({
    intervalSeconds: 0.02,
    log: silent,
    jobs: [
      {
        name: 'slow',
        run: async () => {
          concurrent += 1;
          maxConcurrent = Math.max(maxConcurrent, concurrent);
          runs += 1;
          await sleep(120);
          concurrent -= 1;
          return 1;
        },
      },
    ],
  });
  await sleep(400);
  expect(maxConcurrent).toBe(1);
  expect(runs).toBeGreaterThanOrEqual(2);
  expect(runs).toBeLessThanOrEqual(5);
});

test('runOnce reports what each job did; stop waits for a running job and nothing runs afterwards', async () => {
  let runs = 0;
  let finished: boolean | undefined;
  scheduler = startScheduler({
    intervalSeconds: 60,
    log: silent,
    jobs: [
      { name: 'expire-drafts', run: async () => 3 },
      {
        name: 'remind',
        run: async () => {
          runs += 1;
          await sleep(100);
          finished = true;
          return 0;
        },
      },
    ],
  });
  expect(await scheduler.runOnce()).toEqual({ 'expire-drafts': 3, remind: 0 });
  expect(runs).toBe(1);

  finished = false;
  void scheduler.runOnce();
  await sleep(10);
  await scheduler.stop();
  expect(finished).toBe(true);
  const after = runs;
  await sleep(150);
  expect(runs).toBe(after);
});
