import { z } from 'zod';

/**
 * The checkable rules of an activity type, stored with each catalogue revision (ActivityType.rules)
 * so a claim keeps the rules it was created with. docs/domain.md explains each rule and its decisions.
 */

const currency = z.string().regex(/^[A-Z]{3}$/);

/** One way to state a cap: a share of the allocation's earned co-op, or a fixed amount in one currency. */
export const capTerm = z.union([
  z.object({ percentOfEarned: z.number().int().min(1).max(100) }).strict(),
  z.object({ amountMinor: z.number().int().positive(), currency }).strict(),
]);
export type CapTerm = z.infer<typeof capTerm>;

export const activityCap = z
  .object({
    /** `usage_period`: all claims of this activity on one allocation together; `claim`: each claim alone. */
    per: z.enum(['usage_period', 'claim']),
    /** The cap is the greatest of these terms ("the greater of 10 % of earned or USD 3,000"). */
    greaterOf: z.array(capTerm).min(1),
    /** Per program code: the terms that replace `greaterOf` for that program's claims, or null for no cap. */
    programs: z.record(z.string(), z.array(capTerm).min(1).nullable()).optional(),
  })
  .strict();
export type ActivityCap = z.infer<typeof activityCap>;

/** What a proof document can be; a proof says which of these it is (one or more). */
export const PROOF_ITEMS = [
  'FINAL_PIECE',
  'SCREENSHOT',
  'LANDING_PAGE_URL',
  'DISTRIBUTION_PROOF',
  'ATTENDEE_LIST',
  'AGENDA',
  'PHOTO',
  'OTHER',
] as const;
export type ProofItem = (typeof PROOF_ITEMS)[number];

/** Facts an invoice must show for some activities (exams and tuition: the course or exam code and its completion date). */
export const INVOICE_FACTS = ['courseCode', 'completionDate'] as const;
export type InvoiceFact = (typeof INVOICE_FACTS)[number];

export const activityRules = z
  .object({
    caps: z.array(activityCap).default([]),
    /** Proof items the claim must have, each shown as its own checklist line. */
    proofItems: z.array(z.enum(PROOF_ITEMS)).default([]),
    /** Facts every invoice of the claim must carry (asked on the invoice form). */
    invoiceFacts: z.array(z.enum(INVOICE_FACTS)).default([]),
  })
  .strict();
export type ActivityRules = z.infer<typeof activityRules>;

/** The stored rules of an activity type row; a row that does not parse is a defect, never a user's error. */
export function parseActivityRules(json: unknown): ActivityRules {
  const r = activityRules.safeParse(json ?? {});
  if (!r.success) throw new Error(`ActivityType.rules does not match services/catalogue/rules.ts: ${r.error.message}`);
  return r.data;
}

/** A cap as it applies to one claim: its amount and where it comes from (for the checklist's words). */
export type AppliedCap = {
  per: ActivityCap['per'];
  capMinor: number;
  terms: CapTerm[];
  /** The program whose exception replaced the general terms, if any. */
  exceptionFor: string | null;
};

export type CapContext = { programCode: string; earnedMinor: number; currency: string };

const termMinor = (t: CapTerm, ctx: CapContext): number | null =>
  'percentOfEarned' in t ? Math.floor((ctx.earnedMinor * t.percentOfEarned) / 100) : t.currency === ctx.currency ? t.amountMinor : null;

/**
 * The caps that apply to a claim under `ctx.programCode` on an allocation of `ctx.earnedMinor`.
 * A program exception of null means no cap. A cap with a fixed term in another currency than the
 * allocation's cannot be worked out without an exchange rate and is left to the reviewer (never a
 * stricter cap than the catalogue's).
 */
export function applicableCaps(rules: ActivityRules, ctx: CapContext): AppliedCap[] {
  const out: AppliedCap[] = [];
  for (const cap of rules.caps) {
    const exception = cap.programs && ctx.programCode in cap.programs ? cap.programs[ctx.programCode] : undefined;
    if (exception === null) continue;
    const terms = exception ?? cap.greaterOf;
    const amounts = terms.map((t) => termMinor(t, ctx));
    if (amounts.some((a) => a === null)) continue;
    out.push({ per: cap.per, capMinor: Math.max(...(amounts as number[])), terms, exceptionFor: exception ? ctx.programCode : null });
  }
  return out;
}
