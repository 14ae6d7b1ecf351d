import type { Activity } from 'botbuilder';
import { z } from 'zod';

/**
 * The shape an inbound activity must have before anything acts on it, checked at the HTTP edge
 * (bot/server.ts). Only the envelope is checked here: what the handlers and botbuilder read without
 * asking (type, ids, where to reply, who is speaking, the arrays they iterate). What a person typed
 * or clicked (`text`, `value`, card data) is checked later by the verb's own schema, so a well-formed
 * activity with a bad value gets an answer in the user's language instead of a 400.
 *
 * Unknown extra fields pass through (the Bot Framework adds fields over time).
 */

/** Bot Framework activity types (botframework-schema ActivityTypes); anything else is not an activity. */
const ACTIVITY_TYPES = [
  'message',
  'contactRelationUpdate',
  'conversationUpdate',
  'typing',
  'endOfConversation',
  'event',
  'invoke',
  'deleteUserData',
  'messageUpdate',
  'messageDelete',
  'installationUpdate',
  'messageReaction',
  'suggestion',
  'trace',
  'handoff',
  'command',
  'commandResult',
] as const;

const id = z.string().min(1).max(1000);
const optionalText = (max: number) => z.string().max(max).nullish();

/** Replies go to serviceUrl: an absolute http(s) URL (in authenticated mode the token must also name it). */
const serviceUrl = z
  .string()
  .max(2000)
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  });

const account = z.looseObject({
  id,
  name: optionalText(1000),
  aadObjectId: optionalText(100),
  role: optionalText(100),
});

const conversation = z.looseObject({
  id,
  name: optionalText(1000),
  conversationType: optionalText(100),
  tenantId: optionalText(100),
  isGroup: z.boolean().nullish(),
});

const attachment = z.looseObject({
  contentType: z.string().max(500),
  contentUrl: optionalText(10_000),
  name: optionalText(1000),
});

export const activityEnvelope = z.looseObject({
  type: z.enum(ACTIVITY_TYPES),
  id: optionalText(1000),
  name: optionalText(1000),
  channelId: z.string().min(1).max(100),
  serviceUrl,
  from: account,
  recipient: account.nullish(),
  conversation,
  text: optionalText(100_000),
  locale: optionalText(100),
  replyToId: optionalText(1000),
  timestamp: optionalText(100),
  localTimestamp: optionalText(100),
  attachments: z.array(attachment).max(50).nullish(),
  membersAdded: z.array(account).max(1000).nullish(),
  membersRemoved: z.array(account).max(1000).nullish(),
  entities: z
    .array(z.looseObject({ type: z.string().max(200) }))
    .max(100)
    .nullish(),
  channelData: z.looseObject({ tenant: z.looseObject({ id: optionalText(100) }).nullish() }).nullish(),
});

export type EnvelopeCheck = { ok: true; activity: Activity } | { ok: false; isInvoke: boolean; fields: string[] };

/**
 * Checks the envelope and prepares the activity for botbuilder: NUL characters (which PostgreSQL
 * cannot store in text) and lone surrogates become U+FFFD, so "CLM-2026-\u000000001" is simply a
 * claim that does not exist; a locale that is not a BCP 47 tag is dropped (the user's stored language is used); the
 * timestamps become Dates, as botbuilder's own validateAndFixActivity does.
 */
export function checkActivity(body: unknown): EnvelopeCheck {
  const isInvoke = typeof body === 'object' && body !== null && (body as { type?: unknown }).type === 'invoke';
  const clean = storable(body, 0);
  const parsed = activityEnvelope.safeParse(clean);
  if (!parsed.success) {
    return { ok: false, isInvoke, fields: [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(body)'))].slice(0, 5) };
  }
  const a = parsed.data as Record<string, unknown>;
  if (typeof a.locale === 'string' && !isLocale(a.locale)) delete a.locale;
  for (const k of ['timestamp', 'localTimestamp'] as const) {
    if (typeof a[k] === 'string') {
      const d = new Date(a[k]);
      a[`raw${k[0]!.toUpperCase()}${k.slice(1)}`] = a[k];
      if (Number.isNaN(d.getTime())) delete a[k];
      else a[k] = d;
    }
  }
  return { ok: true, activity: a as unknown as Activity };
}

function isLocale(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/** NUL, and UTF-16 halves without their other half (JSON allows "\ud800"; Prisma's query JSON and encodeURIComponent do not). */
// eslint-disable-next-line no-control-regex -- NUL is exactly what is being removed
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Deep copy with unstorable characters replaced in every string (keys too). Depth is bounded by the 1 MB body; 200 levels is plenty. */
function storable(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return v.replace(UNSTORABLE, '\uFFFD');
  if (depth > 200 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => storable(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    // defineProperty: a "__proto__" key stays a plain field, never a prototype.
    Object.defineProperty(out, storable(k, depth) as string, {
      value: storable(x, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
