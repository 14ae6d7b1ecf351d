import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from '../../prisma/generated/client';

export { Prisma, PrismaClient };
export type Db = PrismaClient;
/** A transaction client: what service commands write through. */
export type Tx = Prisma.TransactionClient;

export function createDb(databaseUrl: string): Db {
  // 20 connections: a turn holds one for its whole transaction, and 32 concurrent users queued on 10 (bench).
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 20 }) });
}
