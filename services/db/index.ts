import path from 'node:path';
import { applyReferenceData } from '../catalogue/apply';
import type { Config } from '../config';
import { log } from '../log';
import { createDb, type Db } from './client';
import { startEmbeddedPostgres } from './embedded';
import { migrate } from './migrate';

export type Database = { db: Db; url: string; embedded: boolean; close: () => Promise<void> };

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL under DATA_DIR/postgres; then applies
 * pending migrations and the product's reference data (programs, activity catalogue), which every
 * deployment has whether or not it loads the demo. `close` disconnects and stops the embedded server.
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'> & Partial<Pick<Config, 'databasePreparedStatements'>>,
  /** The embedded server died and could not be started again (services/db/embedded.ts). */
  onEmbeddedLost?: (lastError: unknown) => void,
): Promise<Database> {
  let url = config.databaseUrl;
  let stopServer: (() => Promise<void>) | undefined;
  if (!url) {
    const dir = path.join(config.dataDir, 'postgres');
    log.info({ dir }, 'starting embedded PostgreSQL');
    const server = await startEmbeddedPostgres(dir, { onLost: onEmbeddedLost });
    url = server.url;
    stopServer = server.stop;
  }
  try {
    await migrate(url);
  } catch (e) {
    await stopServer?.();
    throw e;
  }
  const db = createDb(url, { preparedStatements: config.databasePreparedStatements });
  try {
    const changed = await applyReferenceData(db, new Date());
    if (Object.values(changed).some((v) => v.length > 0)) log.info(changed, 'reference data applied');
  } catch (e) {
    await db.$disconnect();
    await stopServer?.();
    throw e;
  }
  return {
    db,
    url,
    embedded: !!stopServer,
    close: async () => {
      await db.$disconnect();
      await stopServer?.();
    },
  };
}
