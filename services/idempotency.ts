import type { Prisma, Tx } from './db/client';

/**
 * Runs `fn` once per key inside the caller's transaction. A repeated key returns the stored result;
 * two concurrent requests with the same key race on the primary key, and the loser's transaction
 * fails with a unique violation (the caller retries and then sees the stored result).
 */
export async function once<T extends Prisma.InputJsonValue>(
  tx: Tx,
  key: string | undefined,
  scope: { userId: string; command: string },
  fn: () => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  if (!key) return { result: await fn(), replayed: false };
  const prior = await tx.idempotencyKey.findUnique({ where: { key } });
  if (prior && prior.userId === scope.userId && prior.command === scope.command) {
    return { result: prior.result as T, replayed: true };
  }
  const result = await fn();
  await tx.idempotencyKey.create({ data: { key, userId: scope.userId, command: scope.command, result } });
  return { result, replayed: false };
}
