// First: OpenTelemetry (when configured) must hook http and pg before anything below loads them.
import '../services/telemetryStart';
import { DEMO_TENANT_ID, seedDemo } from '../prisma/seed';
import { loadConfig } from '../services/config';
import { systemClock } from '../services/context';
import { openDatabase } from '../services/db';
import { log } from '../services/log';
import { describeStartFailure } from '../services/startupError';
import { startBot, type RunningBot } from './app';

/** `npm start`: configuration → database (embedded by default) → demo data → bot server. */
async function main() {
  const config = loadConfig();
  const database = await openDatabase(config);
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
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

// Whatever failed (a rejection may carry no error at all), the operator reads what went wrong and what to do.
main().catch((e: unknown) => {
  const { problem, whatToDo } = describeStartFailure(e);
  log.fatal({ whatToDo }, `Co-op Claims could not start: ${problem}`);
  process.stderr.write(`\nCo-op Claims could not start.\n  What went wrong: ${problem}\n  What to do: ${whatToDo}\n\n`);
  process.exit(1);
});
