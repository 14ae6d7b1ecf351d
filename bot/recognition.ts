import { TeamsInfo, type TurnContext } from 'botbuilder';
import { log } from '../services/log';
import {
  bootstrapNeedsPrincipalNames,
  GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID,
  isBootstrapAdmin,
  recogniseGlobalAdmin,
  recordDirectoryFacts,
} from '../services/onboarding';
import { GraphCallFailed } from '../services/graph';
import { UNKNOWN_NAME, type ResolvedUser } from '../services/users';
import type { BotDeps } from './turn';

const recLog = log.child({ mod: 'recognition' });

/** How long a first turn may wait for the roster or Graph before it answers anyway (the check then finishes behind it). */
export const RECOGNITION_WAIT_MS = 4000;

/**
 * Who is an organisation's first Global admin (services/onboarding.ts): someone BOOTSTRAP_ADMINS
 * names (by tenant and object id, or by user principal name, which the Teams roster tells without
 * Graph), or an Entra Global Administrator of the tenant Graph serves, asked once per person.
 * Only people without any role are checked, so admins' everyday turns cost nothing.
 */
export async function recogniseFirstAdmin(
  deps: BotDeps,
  context: TurnContext,
  who: ResolvedUser & { tenantId: string; aadObjectId: string },
): Promise<{ displayName?: string }> {
  const { svc, config, graph } = deps;
  const entries = config.access.bootstrapAdmins;
  const tenantGraph = graph?.forTenant(who.tenantId) ?? null;
  const graphServes = tenantGraph !== null;
  let upn = who.userPrincipalName;
  let learnt: { displayName?: string } = {};
  // Without Graph for this tenant, the Teams roster is where a newcomer's name, mail and principal
  // name come from (activities may carry no name at all).
  const needUpn = entries.length > 0 && !upn && bootstrapNeedsPrincipalNames(entries);
  // Asked whenever the name is still unknown, not only on the very first turn: the install and the
  // welcome arrive together, and whichever turn recognises the admin should record a real name.
  if ((!graphServes && (who.isNew || who.displayName === UNKNOWN_NAME)) || needUpn) {
    const member = await memberFromRoster(context);
    if (member) {
      upn = member.userPrincipalName ?? upn;
      await recordDirectoryFacts(svc, who.id, member);
      if (member.displayName) learnt = { displayName: member.displayName };
    }
  }
  if (entries.length > 0 && (who.isNew || !who.hasRoles)) {
    if (isBootstrapAdmin(entries, { tenantId: who.tenantId, aadObjectId: who.aadObjectId, userPrincipalName: upn })) {
      if (await recogniseGlobalAdmin(svc, who.id, 'configuration')) recLog.info({ userId: who.id }, 'Global admin from BOOTSTRAP_ADMINS');
    }
  }
  // An app-only token reads one tenant's directory: each person is looked up in their own tenant.
  if (tenantGraph && !who.directoryChecked) {
    let isAdmin: boolean;
    try {
      isAdmin = await tenantGraph.hasDirectoryRole(who.aadObjectId, GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID);
    } catch (e) {
      // Without the permission (403) or the tenant's consent (no token) asking again on every turn
      // would not help: note it once and stop.
      if (e instanceof GraphCallFailed && e.code === 'no_group_permission') {
        recLog.warn(
          { err: e.message },
          'Global Administrators through role-assignable groups are not recognised: grant GroupMember.Read.All (direct members are)',
        );
        await recordDirectoryFacts(svc, who.id, { directoryChecked: true });
      } else if (e instanceof GraphCallFailed && e.status === 403) {
        recLog.warn({ err: e.message }, 'Graph refused to list Global Administrators: grant RoleManagement.Read.Directory');
        await recordDirectoryFacts(svc, who.id, { directoryChecked: true });
      } else if (e instanceof GraphCallFailed && e.code === 'no_consent') {
        recLog.warn(
          { err: e.message, tenantId: who.tenantId },
          'No Graph token for this tenant: its admin has not consented to the app (first admins then come from BOOTSTRAP_ADMINS)',
        );
        await recordDirectoryFacts(svc, who.id, { directoryChecked: true });
      } else recLog.warn({ err: e instanceof Error ? e.message : String(e) }, 'Global Administrator check failed; tried again next turn');
      return learnt;
    }
    await recordDirectoryFacts(svc, who.id, { directoryChecked: true });
    if (isAdmin && (await recogniseGlobalAdmin(svc, who.id, 'directory'))) recLog.info({ userId: who.id }, 'Global admin from Entra');
  }
  return learnt;
}

type RosterMember = { displayName: string | null; email: string | null; userPrincipalName: string | null };

/** The person as the Teams roster knows them (Bot Connector members API; no Graph permission needed). */
async function memberFromRoster(context: TurnContext): Promise<RosterMember | null> {
  try {
    const m = await TeamsInfo.getMember(context, context.activity.from.id);
    return { displayName: m.name || null, email: m.email || null, userPrincipalName: m.userPrincipalName || m.email || null };
  } catch (e) {
    recLog.warn({ err: e instanceof Error ? e.message : String(e) }, 'Teams roster did not answer: name and principal name unknown');
    return null;
  }
}
