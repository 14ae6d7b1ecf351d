import { z } from 'zod';
import { invalid, type FieldIssue } from './errors';

/** Parses untrusted input (card data, API body) or throws `invalid` with one issue per field. Nothing is written first. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw invalid(r.error.issues.map(toFieldIssue));
}

export function toFieldIssue(i: z.core.$ZodIssue): FieldIssue {
  const { code, path, message, ...rest } = i as z.core.$ZodIssue & Record<string, unknown>;
  // A refinement names its own code (`params: { code: 'csr_line_total', … }`), so cards can say it in words.
  const custom = code === 'custom' && rest.params && typeof rest.params === 'object' ? (rest.params as Record<string, unknown>) : null;
  if (custom && typeof custom.code === 'string') {
    const { code: own, ...params } = custom;
    return { path: path.map(String).join('.'), code: own as string, message, params };
  }
  const params: Record<string, unknown> = {};
  for (const k of ['minimum', 'maximum', 'expected', 'origin', 'format', 'inclusive']) if (k in rest) params[k] = rest[k];
  return { path: path.map(String).join('.'), code, message, params };
}

/** Reusable field schemas, so every command says the same thing about the same kind of value. */
export const fields = {
  id: z.string().uuid(),
  version: z.coerce.number().int().positive(),
  /** A key minted when the card was rendered; the same click twice is applied once. */
  idempotencyKey: z.string().min(8).max(100),
  text: (max: number) => z.string().trim().min(1).max(max),
  optionalText: (max: number) => z.string().trim().max(max).optional().default(''),
  /** Money as a decimal string or number in major units ("1250.50") → integer minor units. */
  amountMinor: z
    .union([z.string(), z.number()])
    .transform((v) => String(v).trim().replace(/,/g, ''))
    .pipe(z.string().regex(/^\d{1,9}(\.\d{1,2})?$/, 'Enter an amount like 1250 or 1250.50'))
    .transform((s) => Math.round(Number(s) * 100))
    .pipe(z.number().int().positive().max(999_999_999)),
  /** A calendar date from Input.Date (YYYY-MM-DD). */
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-03-31')
    .transform((s) => new Date(`${s}T00:00:00.000Z`))
    .refine((d) => !Number.isNaN(d.getTime()), 'Not a real date'),
};

/**
 * Text to find inside a column with Prisma's `contains`, which is a LIKE pattern it does not escape:
 * "%" matched everyone and a trailing "\\" failed in PostgreSQL. Every search by name goes through this.
 */
export const likeText = (q: string): string => q.replace(/[\\%_]/g, '\\$&');
