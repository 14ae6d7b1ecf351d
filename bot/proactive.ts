import { isDeepStrictEqual } from 'node:util';
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { z } from 'zod';
import type { Db } from '../services/db/client';
import type { Graph } from '../services/graph';

/**
 * Where the bot can reach people without being spoken to: conversation references stored per
 * conversation (a user's 1:1 chat, a channel), and Graph proactive installation for users who
 * never opened the bot.
 */

/** Channels whose references we keep: Teams, and the channels the Agents Playground can emulate. */
const CHANNELS = ['msteams', 'emulator', 'webchat', 'directline'] as const;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Bot Connector endpoints are https; plain http only on this machine (tests, the playground). */
const serviceUrl = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname));
  } catch {
    return false;
  }
}, 'serviceUrl must be https, or http on a loopback address');

const account = z.object({ id: z.string().min(1), name: z.string().optional(), aadObjectId: z.string().optional() });

/** The part of a conversation reference we store and later continue from. */
export const storedReferenceSchema = z.object({
  channelId: z.enum(CHANNELS),
  serviceUrl,
  conversation: z.object({
    id: z.string().min(1),
    conversationType: z.string().default('personal'),
    tenantId: z.string().min(1),
    isGroup: z.boolean().optional(),
    name: z.string().optional(),
  }),
  bot: account.optional(),
  user: account.optional(),
  locale: z.string().optional(),
});
export type StoredReference = z.infer<typeof storedReferenceSchema>;

/** Why a person cannot be reached proactively; told to whoever was trying to reach them. */
export type UnreachableReason =
  | 'no_conversation'
  | 'no_permission'
  | 'app_not_in_catalog'
  | 'BotNotInConversationRoster'
  | 'ConversationBlockedByUser'
  | 'BotDisabledByAdmin'
  | (string & {});

/** The Graph calls proactive installation needs (services/graph.ts's Graph has them). */
export type ProactiveGraph = Pick<Graph, 'installAppForUser' | 'findInstallation' | 'getInstalledAppChat'>;
/** Graph per tenant (services/graph.ts's GraphDirectory): an app is installed with a token of the person's own tenant. */
export type ProactiveDirectory = { forTenant(tenantId: string): ProactiveGraph | null };

export type ReachDeps = {
  db: Db;
  /** Microsoft App Id of the bot: its Teams id is `28:<appId>`. */
  appId?: string;
  graph?: ProactiveDirectory | null;
  teamsAppCatalogId?: string;
};

export type Reach =
  { ok: true; conversationId: string; reference: Partial<ConversationReference> } | { ok: false; reason: UnreachableReason };

/** Used when a tenant has never talked to the bot yet; Teams routes it to the tenant's region. */
export const DEFAULT_TEAMS_SERVICE_URL = 'https://smba.trafficmanager.net/teams/';

/** Turns a validated stored reference into what CloudAdapter.continueConversationAsync expects. */
export function toConversationReference(r: StoredReference): Partial<ConversationReference> {
  return {
    channelId: r.channelId,
    serviceUrl: r.serviceUrl,
    locale: r.locale,
    conversation: {
      id: r.conversation.id,
      conversationType: r.conversation.conversationType,
      tenantId: r.conversation.tenantId,
      isGroup: r.conversation.isGroup ?? false,
      name: r.conversation.name ?? '',
    },
    bot: r.bot ? { id: r.bot.id, name: r.bot.name ?? '' } : undefined,
    user: r.user ? { id: r.user.id, name: r.user.name ?? '', aadObjectId: r.user.aadObjectId } : undefined,
  };
}

/** Reads a stored reference back; null when the stored JSON no longer validates. */
export function parseStoredReference(json: unknown): StoredReference | null {
  const p = storedReferenceSchema.safeParse(json);
  return p.success ? p.data : null;
}

/**
 * Records where this activity came from, so the bot can write there later. Called on every turn
 * and on installationUpdate. Personal chats are linked to the user, and talking to the bot makes
 * them reachable again. Returns false (and stores nothing) when the reference is not valid, and
 * 'unchanged' without writing when nothing changed (the common turn: a read, no write).
 */
export async function saveConversationReference(
  db: Db,
  userId: string | null,
  activity: Partial<Activity>,
): Promise<'changed' | 'unchanged' | false> {
  const raw = TurnContext.getConversationReference(activity);
  const channelData = (activity.channelData ?? {}) as { tenant?: { id?: unknown } };
  const tenantId = raw.conversation?.tenantId ?? (typeof channelData.tenant?.id === 'string' ? channelData.tenant.id : undefined);
  const parsed = storedReferenceSchema.safeParse({
    channelId: raw.channelId,
    serviceUrl: raw.serviceUrl,
    // An old activity id would make later messages replies to it: keep only the conversation.
    conversation: raw.conversation && { ...pick(raw.conversation), tenantId },
    bot: raw.bot && { id: raw.bot.id, name: raw.bot.name || undefined },
    user: raw.user && { id: raw.user.id, name: raw.user.name || undefined, aadObjectId: raw.user.aadObjectId || undefined },
    locale: raw.locale || undefined,
  });
  if (!parsed.success) return false;
  const ref = parsed.data;
  const personal = ref.conversation.conversationType === 'personal';
  const owner = personal ? userId : null;
  const existing = await db.conversationRef.findUnique({
    where: { conversationId: ref.conversation.id },
    select: { userId: true, reference: true, user: { select: { unreachableReason: true } } },
  });
  if (
    existing &&
    existing.userId === owner &&
    !existing.user?.unreachableReason &&
    isDeepStrictEqual(existing.reference, JSON.parse(JSON.stringify(ref)))
  )
    return 'unchanged';
  await db.$transaction(async (tx) => {
    await tx.conversationRef.upsert({
      where: { conversationId: ref.conversation.id },
      create: {
        conversationId: ref.conversation.id,
        userId: owner,
        conversationType: ref.conversation.conversationType,
        serviceUrl: ref.serviceUrl,
        tenantId: ref.conversation.tenantId,
        reference: ref,
      },
      update: {
        userId: owner,
        conversationType: ref.conversation.conversationType,
        serviceUrl: ref.serviceUrl,
        tenantId: ref.conversation.tenantId,
        reference: ref,
      },
    });
    if (userId) await tx.user.updateMany({ where: { id: userId, unreachableReason: { not: null } }, data: { unreachableReason: null } });
  });
  return 'changed';
}

function pick(c: { id: string; conversationType?: string; isGroup?: boolean; name?: string }) {
  return { id: c.id, conversationType: c.conversationType || undefined, isGroup: c.isGroup, name: c.name || undefined };
}

/** The user's most recently used 1:1 chat with the bot, if any. */
export async function findPersonalConversation(
  db: Db,
  userId: string,
): Promise<{ conversationId: string; reference: StoredReference } | null> {
  const rows = await db.conversationRef.findMany({
    where: { userId, conversationType: 'personal' },
    orderBy: { updatedAt: 'desc' },
    take: 5,
  });
  for (const row of rows) {
    const reference = parseStoredReference(row.reference);
    if (reference) return { conversationId: row.conversationId, reference };
  }
  return null;
}

/** A stored conversation (e.g. the reviewers' channel) by id. */
export async function findConversation(db: Db, conversationId: string): Promise<StoredReference | null> {
  const row = await db.conversationRef.findUnique({ where: { conversationId } });
  return row ? parseStoredReference(row.reference) : null;
}

/**
 * Finds a way to message a user in 1:1 chat: their stored personal conversation, or else — when
 * Graph and the app's catalog id are configured — installs the app for them and stores the chat
 * it creates. Otherwise says why not, so the person asking can be told plainly.
 */
export async function reachUser(deps: ReachDeps, userId: string): Promise<Reach> {
  const { db } = deps;
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user) return { ok: false, reason: 'no_conversation' };
  const existing = await findPersonalConversation(db, userId);
  // A 403 recorded against the chat we have wins: sending there again would fail the same way.
  // Only an uninstalled app (not in roster) is something installing can repair.
  if (existing && !user.unreachableReason)
    return { ok: true, conversationId: existing.conversationId, reference: toConversationReference(existing.reference) };
  if (user.unreachableReason && user.unreachableReason !== 'BotNotInConversationRoster')
    return { ok: false, reason: user.unreachableReason };

  const graph = deps.graph?.forTenant(user.tenantId);
  if (!graph || !deps.teamsAppCatalogId) return { ok: false, reason: user.unreachableReason ?? 'no_conversation' };
  // 409 (already installed) counts as success: the chat exists, we just never stored it.
  const installed = await graph.installAppForUser(user.aadObjectId, deps.teamsAppCatalogId);
  if (!installed.ok) return { ok: false, reason: installed.reason };
  const installationId = await graph.findInstallation(user.aadObjectId, deps.teamsAppCatalogId);
  if (!installationId) return { ok: false, reason: 'app_not_in_catalog' };
  const chatId = await graph.getInstalledAppChat(user.aadObjectId, installationId);

  const known = await db.conversationRef.findFirst({
    where: { tenantId: user.tenantId },
    orderBy: { updatedAt: 'desc' },
    select: { serviceUrl: true },
  });
  const ref: StoredReference = {
    channelId: 'msteams',
    serviceUrl: known?.serviceUrl ?? DEFAULT_TEAMS_SERVICE_URL,
    conversation: { id: chatId, conversationType: 'personal', tenantId: user.tenantId },
    bot: deps.appId ? { id: `28:${deps.appId}` } : undefined,
    user: { id: `8:orgid:${user.aadObjectId}`, name: user.displayName, aadObjectId: user.aadObjectId },
    locale: user.locale,
  };
  const parsed = storedReferenceSchema.parse(ref);
  await db.$transaction(async (tx) => {
    await tx.conversationRef.upsert({
      where: { conversationId: chatId },
      create: {
        conversationId: chatId,
        userId,
        conversationType: 'personal',
        serviceUrl: parsed.serviceUrl,
        tenantId: user.tenantId,
        reference: parsed,
      },
      update: { userId, conversationType: 'personal', serviceUrl: parsed.serviceUrl, tenantId: user.tenantId, reference: parsed },
    });
    await tx.user.update({ where: { id: userId }, data: { unreachableReason: null } });
  });
  return { ok: true, conversationId: chatId, reference: toConversationReference(parsed) };
}

/** Where one outbox row goes, resolved at delivery time. */
export type DeliveryTarget =
  | { ok: true; conversationId: string; tenantId: string; reference: Partial<ConversationReference>; locale: string; userId: string | null }
  | { ok: false; reason: UnreachableReason; userId: string | null };

export type ResolveTarget = (to: { recipientId: string | null; conversationId: string | null }) => Promise<DeliveryTarget>;

/** The outbox's default way to find a recipient: a user's 1:1 chat (via reachUser) or a stored conversation. */
export function makeTargetResolver(deps: ReachDeps): ResolveTarget {
  return async ({ recipientId, conversationId }) => {
    if (recipientId) {
      const reach = await reachUser(deps, recipientId);
      if (!reach.ok) return { ok: false, reason: reach.reason, userId: recipientId };
      const user = await deps.db.user.findUniqueOrThrow({ where: { id: recipientId }, select: { locale: true } });
      return {
        ok: true,
        conversationId: reach.conversationId,
        tenantId: reach.reference.conversation?.tenantId ?? '',
        reference: reach.reference,
        locale: user.locale,
        userId: recipientId,
      };
    }
    if (conversationId) {
      const ref = await findConversation(deps.db, conversationId);
      if (!ref) return { ok: false, reason: 'no_conversation', userId: null };
      return {
        ok: true,
        conversationId,
        tenantId: ref.conversation.tenantId,
        reference: toConversationReference(ref),
        locale: ref.locale ?? 'en-US',
        userId: null,
      };
    }
    return { ok: false, reason: 'no_conversation', userId: null };
  };
}
