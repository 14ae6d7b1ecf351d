import { Prisma, type Tx } from './db/client';

/**
 * Runs `fn` once per key inside the caller's transaction; a repeated key returns the stored result.
 * Call it first in the transaction.
 *
 * A double click sends the same key twice at once. Both transactions used to look for the key, find
 * nothing, run the command, and race on the key's primary key: the loser failed with a unique
 * violation (the user saw "something went wrong"), or first on the claim's version (a false "this
 * claim changed"). Now the key is claimed first: its row is inserted before the command runs, so a
 * second transaction inserting the same key waits on the primary key until the first ends. If the
 * first committed, the second's insert does nothing and it reads the stored result in a new
 * statement (which sees the commit) and replays it: both clicks answer with the same result, as a
 * repeated click does. If the first rolled back, its row is gone and the second runs the command
 * itself. Different keys never wait on each other. One statement claims the key and one stores the
 * result (this used to take an advisory lock, a look-up and an insert).
 *
 * Keys are stored per user and command: a card's key seen by someone else (a shared channel card), or
 * reused for another verb, is a different entry instead of a collision.
 */
/**
 * Lets a command store its result with its last write (one statement fewer): `cte(result)` is a
 * common table expression (`name AS (…),`) to put first in that statement's WITH list. `once` still
 * stores the result itself unless the command returned exactly what it kept.
 */
export type ResultKeeper = { cte(result: Prisma.InputJsonValue, when?: Prisma.Sql): Prisma.Sql };

export async function once<T extends Prisma.InputJsonValue>(
  tx: Tx,
  key: string | undefined,
  scope: { userId: string; command: string },
  fn: (keeper: ResultKeeper) => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  return onceReading(tx, key, scope, null, (_, keeper) => fn(keeper));
}

/**
 * `once`, with `read` (a scalar subquery, e.g. the claim's row as JSON) evaluated in the statement
 * that claims the key: one statement fewer for the command. The value is what `read` saw when that
 * statement began; a command that must not act on an older row re-checks it in its write (a
 * version-checked UPDATE) as every command already does.
 */
export async function onceReading<T extends Prisma.InputJsonValue>(
  tx: Tx,
  key: string | undefined,
  scope: { userId: string; command: string },
  read: Prisma.Sql | null,
  fn: (value: unknown, keeper: ResultKeeper) => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  if (!key) {
    const value = read ? (await tx.$queryRaw<Array<{ value: unknown }>>`SELECT ${read} AS value`)[0]?.value : null;
    return { result: await fn(value ?? null, { cte: () => Prisma.empty }), replayed: false };
  }
  const stored = storedKey(key, scope);
  // The placeholder result is never seen by anyone else: it is replaced before this transaction commits.
  const [row] = await tx.$queryRaw<Array<{ claimed: number; value: unknown }>>`
    WITH k AS (
      INSERT INTO "IdempotencyKey" (key, "userId", command, result)
      VALUES (${stored}, ${scope.userId}, ${scope.command}, 'null'::jsonb)
      ON CONFLICT (key) DO NOTHING
      RETURNING key
    )
    SELECT (SELECT count(*) FROM k)::int AS claimed, ${read ?? Prisma.sql`NULL`} AS value`;
  if (!row || row.claimed === 0) {
    // A new statement: it sees the winner's commit.
    const prior = await tx.idempotencyKey.findUniqueOrThrow({ where: { key: stored } });
    return { result: prior.result as T, replayed: true };
  }
  let kept: string | null = null;
  const result = await fn(row.value, {
    cte: (r, when) => {
      kept = JSON.stringify(r);
      return Prisma.sql`kept_result AS (UPDATE "IdempotencyKey" SET result = ${kept}::jsonb WHERE key = ${stored}${when ? Prisma.sql` AND ${when}` : Prisma.empty}),`;
    },
  });
  if (kept !== JSON.stringify(result)) await tx.idempotencyKey.update({ where: { key: stored }, data: { result } });
  return { result, replayed: false };
}

const storedKey = (key: string, scope: { userId: string; command: string }) => `${scope.userId}:${scope.command}:${key}`;

/** True when this user already applied `command` with this key (a step that runs before `once`, e.g. a preview). */
export async function alreadyApplied(tx: Tx, key: string, scope: { userId: string; command: string }): Promise<boolean> {
  return (await tx.idempotencyKey.count({ where: { key: storedKey(key, scope) } })) > 0;
}
