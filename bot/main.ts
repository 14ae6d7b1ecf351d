// First: OpenTelemetry (when configured) must hook http and pg before anything below loads them.
import '../services/telemetryStart';
import { DEMO_TENANT_ID, seedDemo } from '../prisma/seed';
import { ConfigError, loadConfig } from '../services/config';
import { systemClock } from '../services/context';
import { openDatabase } from '../services/db';
import { log } from '../services/log';
import { startBot } from './app';

/** `npm start`: configuration → database (embedded by default) → demo data → bot server. */
async function main() {
  const config = loadConfig();
  const database = await openDatabase(config);
  if (config.demoSeed && (await seedDemo(database.db, systemClock.now()))) {
    log.info({ tenant: DEMO_TENANT_ID }, 'demo organisation loaded');
  }
  const bot = await startBot({ config, db: database.db });
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

main().catch((e: Error) => {
  log.fatal(e.message);
  // A refused configuration is read by a person at a console or in App Service's log stream: one line each.
  if (e instanceof ConfigError) console.error(`\n${e.message}\n`);
  process.exit(1);
});
