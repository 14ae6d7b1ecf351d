import type { Prisma, Tx } from './db/client';

/**
 * Runs `fn` once per key inside the caller's transaction; a repeated key returns the stored result.
 * Call it first in the transaction.
 *
 * A double click sends the same key twice at once. Both transactions used to look for the key, find
 * nothing, run the command, and race on the key's primary key: the loser failed with a unique
 * violation (the user saw "something went wrong"), or first on the claim's version (a false "this
 * claim changed"). Now the key is locked first (a transaction-scoped advisory lock on its hash), so
 * the second click waits until the first commits, then finds its stored result and replays it: both
 * clicks answer with the same result, as a repeated click does. If the first rolls back, the second
 * runs the command itself. Different keys never wait on each other (except on a 64-bit hash collision,
 * which only serialises them).
 *
 * Keys are stored per user and command: a card's key seen by someone else (a shared channel card), or
 * reused for another verb, is a different entry instead of a collision.
 */
export async function once<T extends Prisma.InputJsonValue>(
  tx: Tx,
  key: string | undefined,
  scope: { userId: string; command: string },
  fn: () => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  if (!key) return { result: await fn(), replayed: false };
  const stored = storedKey(key, scope);
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${stored}, 0))`;
  const prior = await tx.idempotencyKey.findUnique({ where: { key: stored } });
  if (prior) return { result: prior.result as T, replayed: true };
  const result = await fn();
  await tx.idempotencyKey.create({ data: { key: stored, userId: scope.userId, command: scope.command, result } });
  return { result, replayed: false };
}

const storedKey = (key: string, scope: { userId: string; command: string }) => `${scope.userId}:${scope.command}:${key}`;

/** True when this user already applied `command` with this key (a step that runs before `once`, e.g. a preview). */
export async function alreadyApplied(tx: Tx, key: string, scope: { userId: string; command: string }): Promise<boolean> {
  return (await tx.idempotencyKey.count({ where: { key: storedKey(key, scope) } })) > 0;
}
