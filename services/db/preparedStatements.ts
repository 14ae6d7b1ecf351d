import { createHash } from 'node:crypto';

/**
 * Names for PostgreSQL prepared statements, so each connection parses and plans a hot statement once
 * instead of on every turn (Prisma's pg adapter sends unnamed statements otherwise: parse, analyse and
 * plan each time — the larger part of PostgreSQL's CPU per turn in `npm run bench:turns`).
 *
 * pg keeps a named statement on its connection for the connection's life and PostgreSQL keeps its plan
 * there, so the set of names must stay small: a text gets a name only once it has been seen
 * `SEEN_BEFORE_NAMING` times (the hot path repeats the same few dozen texts; one-off statements such as
 * the funds import's stay unnamed), and at most `MAX_NAMED` texts are ever named per process. The name is
 * a hash of the text, so replicas and connections agree and one name never stands for two texts.
 */
export const MAX_NAMED = 256;
const SEEN_BEFORE_NAMING = 3;
/** Bounds the counting of texts not (yet) named, e.g. statements whose text varies with a list's length. */
const MAX_COUNTED = 4096;
/**
 * Transaction control has nothing to plan, and PostgreSQL's statement statistics (pg_stat_statements,
 * which operators and the bench count statements with) do not see it when it runs as a prepared
 * statement: it stays unnamed.
 */
const TRANSACTION_CONTROL = /^\s*(BEGIN|START|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|SET)\b/i;

export type StatementNamer = (query: { sql: string }) => string;

export function statementNamer(): StatementNamer {
  const named = new Map<string, string>();
  const seen = new Map<string, number>();
  return ({ sql }) => {
    const name = named.get(sql);
    if (name !== undefined) return name;
    if (named.size >= MAX_NAMED || TRANSACTION_CONTROL.test(sql)) return '';
    const times = (seen.get(sql) ?? 0) + 1;
    if (times < SEEN_BEFORE_NAMING) {
      if (seen.size >= MAX_COUNTED) seen.clear();
      seen.set(sql, times);
      return ''; // pg sends an empty name as an unnamed statement
    }
    seen.delete(sql);
    const fresh = `coop_${createHash('sha256').update(sql).digest('base64url').slice(0, 24)}`;
    named.set(sql, fresh);
    return fresh;
  };
}
