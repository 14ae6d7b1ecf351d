import crypto from 'node:crypto';
import { DEMO_TENANT_ID } from '../../prisma/seed';

/** A Teams user as the Bot Connector describes them in activities. */
export type TeamsUser = { aadObjectId: string; name: string; locale?: string; tenantId?: string };

export const ALEX: TeamsUser = { aadObjectId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber' };
export const MEGAN: TeamsUser = { aadObjectId: '00000000-0000-0000-0000-0000000000021', name: 'Megan Bowen' };
export const ISAIAH: TeamsUser = { aadObjectId: '00000000-0000-0000-0000-0000000000023', name: 'Isaiah Langer' };
export const PATTI: TeamsUser = { aadObjectId: '00000000-0000-0000-0000-0000000000024', name: 'Patti Fernandez' };

export const BOT_ID = '28:coop-claims-bot';

const base = (u: TeamsUser, serviceUrl: string) => {
  const tenantId = u.tenantId ?? DEMO_TENANT_ID;
  return {
    id: crypto.randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:${u.aadObjectId}`, name: u.name, aadObjectId: u.aadObjectId },
    recipient: { id: BOT_ID, name: 'Co-op Claims' },
    conversation: { id: `a:personal-${u.aadObjectId}`, conversationType: 'personal', tenantId },
    channelData: { tenant: { id: tenantId } },
    locale: u.locale ?? 'en-US',
  };
};

export const messageActivity = (u: TeamsUser, serviceUrl: string, text: string, extra: Record<string, unknown> = {}) => ({
  ...base(u, serviceUrl),
  type: 'message',
  text,
  ...extra,
});

/** Action.Execute as Teams sends it: an `adaptiveCard/action` invoke; replyToId is the card's activity. */
export const executeActivity = (u: TeamsUser, serviceUrl: string, verb: string, data: Record<string, unknown>, replyToId = 'card-1') => ({
  ...base(u, serviceUrl),
  type: 'invoke',
  name: 'adaptiveCard/action',
  replyToId,
  value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
});

export const refreshActivity = (u: TeamsUser, serviceUrl: string, data: Record<string, unknown>, replyToId = 'card-1') => ({
  ...base(u, serviceUrl),
  type: 'invoke',
  name: 'adaptiveCard/action',
  replyToId,
  value: { action: { type: 'Action.Execute', verb: 'claim.refresh', data }, trigger: 'automatic' },
});

export const searchActivity = (u: TeamsUser, serviceUrl: string, dataset: string, queryText: string) => ({
  ...base(u, serviceUrl),
  type: 'invoke',
  name: 'application/search',
  value: { kind: 'search', queryText, dataset, queryOptions: { skip: 0, top: 15 } },
});

/** A file the user sent in 1:1 chat, as Teams delivers it. */
export const fileActivity = (u: TeamsUser, serviceUrl: string, file: { name: string; downloadUrl: string; fileType: string }) => ({
  ...base(u, serviceUrl),
  type: 'message',
  text: '',
  attachments: [
    {
      contentType: 'application/vnd.microsoft.teams.file.download.info',
      contentUrl: file.downloadUrl,
      name: file.name,
      content: { downloadUrl: file.downloadUrl, uniqueId: crypto.randomUUID(), fileType: file.fileType },
    },
  ],
});

export const installActivity = (u: TeamsUser, serviceUrl: string) => ({
  ...base(u, serviceUrl),
  type: 'installationUpdate',
  action: 'add',
});

/** The bot added to a chat (Teams sends this on personal installation too). */
export const botAddedActivity = (u: TeamsUser, serviceUrl: string) => {
  const b = base(u, serviceUrl);
  return { ...b, type: 'conversationUpdate', membersAdded: [{ id: b.recipient.id }] };
};
