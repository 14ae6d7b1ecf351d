import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from '../../prisma/generated/client';
import { statementNamer } from './preparedStatements';

export { Prisma, PrismaClient };
export type Db = PrismaClient;
/** A transaction client: what service commands write through. */
export type Tx = Prisma.TransactionClient;

/**
 * How long opening a connection (or waiting for a free one) may take. pg's default is forever: a server
 * that accepts TCP but never answers (stalled, a dropped network path) hung `npm start` with no word, and
 * every turn behind it. The Bot Connector gives a turn 15 s.
 */
export const DB_CONNECT_TIMEOUT_MS = 15_000;

/**
 * `preparedStatements: false` is for a pooler in front of PostgreSQL that hands one session's statements
 * to another server connection (PgBouncer's transaction mode before 1.21, or without
 * `max_prepared_statements`): named statements would then be missing or clash there.
 */
export function createDb(databaseUrl: string, opts: { preparedStatements?: boolean } = {}): Db {
  // 20 connections: a turn holds one for its whole transaction, and 32 concurrent users queued on 10 (bench).
  return new PrismaClient({
    // Prisma's default ("colorless") captures a stack trace with `new Error()` on every query so that a
    // failure can quote the calling line: the largest single cost of a raw query in the bench profile.
    // "minimal" keeps the error's message, code and meta (what services/errors and the logs use).
    errorFormat: 'minimal',
    adapter: new PrismaPg(
      { connectionString: databaseUrl, max: 20, connectionTimeoutMillis: DB_CONNECT_TIMEOUT_MS },
      opts.preparedStatements === false ? {} : { statementNameGenerator: statementNamer() },
    ),
  });
}
