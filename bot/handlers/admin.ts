import { z } from 'zod';
import {
  errorView,
  fieldErrors,
  renderAllocationForm,
  renderAllocationPick,
  renderFundsPreview,
  renderFundsPrompt,
  renderLocationForm,
  renderMember,
  renderOrganisation,
  renderOverview,
  renderRenameForm,
  t,
  type AdminNote,
  type AdaptiveCard,
  type StringKey,
} from '../../cards';
import { loadPrincipal } from '../../services/authz';
import { isServiceError, type ServiceError } from '../../services/errors';
import { getOverview } from '../../services/funds';
import {
  cancelFundsImport,
  COLUMN_HEADERS,
  COLUMNS,
  confirmFundsImport,
  FUNDS_IMPORT_MAX_BYTES,
  FUNDS_IMPORT_MAX_ROWS,
  getFundsImport,
  listEditableAllocations,
  requireFundsImporter,
  updateAllocation,
} from '../../services/fundsImport';
import {
  addLocation,
  canManageLocation,
  getMember,
  getOrganisation,
  grantRole,
  grantableRoles,
  renameOrganisation,
  revokeRole,
  setLocationActive,
  updateLocation,
} from '../../services/organisation';
import { beginFundsFileUpload } from '../../services/pendingUploads';
import { searchColleagues } from '../../services/uploadRequests';
import { action } from '../actions';
import { fundsTemplateLink } from '../documentLinks';
import type { HandlerContext, Reply } from '../turn';
import { actor, formData, typedValues } from './common';
import { helpReply } from './help';
import { assigneeFromPick, LOCAL_PREFIX, personTitle, pickerDataset } from './uploadRequests';

/**
 * "admin" / "관리": the organisation card and everything reached from it. Each button reloads what
 * it shows from the services (card data carries ids only); the services decide who may do what.
 */

const good = (ctx: HandlerContext, key: StringKey, params: Record<string, string> = {}): AdminNote => ({
  text: t(ctx.locale, key, params),
  tone: 'good',
});
const refusal = (ctx: HandlerContext, e: ServiceError): AdminNote => {
  const v = errorView(ctx.locale, e);
  return { text: [v.text, ...v.lines].join(' '), tone: 'attention' };
};

export async function organisationReply(ctx: HandlerContext, note?: AdminNote): Promise<Reply> {
  const view = await getOrganisation(ctx.deps.svc, actor(ctx));
  const now = ctx.deps.svc.clock.now();
  return { card: renderOrganisation({ ...view, templateUrl: fundsTemplateLink(ctx.deps.config.files, view.id, now), note }, ctx.locale) };
}

/** Runs an admin command; a refusal (forbidden, conflict, not found) comes back as a line on the organisation card. */
async function thenOrganisation(ctx: HandlerContext, run: () => Promise<unknown>, success: AdminNote): Promise<Reply> {
  try {
    await run();
  } catch (e) {
    if (isServiceError(e) && e.kind !== 'invalid' && !(e.kind === 'forbidden' && e.code === 'role_required'))
      return organisationReply(ctx, refusal(ctx, e));
    throw e;
  }
  return organisationReply(ctx, success);
}

async function memberReply(
  ctx: HandlerContext,
  userId: string | undefined,
  state: { values?: Record<string, string>; errors?: Record<string, string>; note?: AdminNote } = {},
): Promise<Reply> {
  const svc = ctx.deps.svc;
  const p = await loadPrincipal(svc.db, ctx.user.id);
  const [member, org, locations, programs, people] = await Promise.all([
    userId ? getMember(svc, actor(ctx), userId) : Promise.resolve(null),
    svc.db.organisation.findUniqueOrThrow({ where: { id: p.organisationId }, select: { reviewScope: true } }),
    svc.db.location.findMany({ where: { organisationId: p.organisationId, active: true }, orderBy: { name: 'asc' } }),
    svc.db.program.findMany({ orderBy: { name: 'asc' } }),
    userId ? Promise.resolve([]) : searchColleagues(svc, actor(ctx), ''),
  ]);
  // An Incentives admin limited to some locations is offered those only.
  const grantable = grantableRoles(p);
  return {
    card: renderMember(
      {
        member,
        isReviewOrganisation: org.reviewScope === 'ALL',
        grantableRoles: grantable,
        locations: locations.filter((l) => canManageLocation(p, l.id)).map((l) => ({ id: l.id, name: l.name })),
        programs: programs.map((pr) => ({ id: pr.id, name: pr.name })),
        pickerDataset: userId ? '' : await pickerDataset(ctx),
        people: people.map((c) => ({ id: `${LOCAL_PREFIX}${c.id}`, name: personTitle(c) })),
        ...state,
      },
      ctx.locale,
    ),
  };
}

const optionalId = z.object({ userId: z.string().uuid().optional(), locationId: z.string().uuid().optional() }).passthrough();
const scopeValue = (v: unknown) => (typeof v === 'string' && v !== 'all' && v !== '' ? v : null);

async function locationFormReply(
  ctx: HandlerContext,
  locationId: string | undefined,
  state: { values?: Record<string, string>; errors?: Record<string, string> } = {},
): Promise<Reply> {
  const p = await loadPrincipal(ctx.deps.svc.db, ctx.user.id);
  const location = locationId
    ? await ctx.deps.svc.db.location.findFirst({ where: { id: locationId, organisationId: p.organisationId } })
    : null;
  return {
    card: renderLocationForm({ location, canEdit: canManageLocation(p, location?.id), ...state }, ctx.locale),
  };
}

async function allocationFormReply(
  ctx: HandlerContext,
  allocationId: string,
  state: { values?: Record<string, string>; errors?: Record<string, string> } = {},
): Promise<Reply> {
  const all = await listEditableAllocations(ctx.deps.svc, actor(ctx));
  const allocation = all.find((a) => a.allocationId === allocationId);
  if (!allocation)
    return {
      card: renderAllocationPick({ allocations: all, errors: { allocationId: t(ctx.locale, 'allocation.pick.error') } }, ctx.locale),
    };
  return { card: renderAllocationForm({ allocation, ...state }, ctx.locale) };
}

/** The overview right after funds changed, with one line on top saying what happened. */
async function overviewWithNote(ctx: HandlerContext, note: AdminNote): Promise<Reply> {
  const card = renderOverview(await getOverview(ctx.deps.svc, actor(ctx)), ctx.locale);
  return { card: withNote(card, note) };
}

function withNote(card: AdaptiveCard, note: AdminNote): AdaptiveCard {
  if (!note) return card;
  return {
    ...card,
    body: [
      {
        type: 'Container',
        style: note.tone === 'attention' ? 'attention' : 'good',
        items: [{ type: 'TextBlock', text: note.text, weight: 'bolder', wrap: true }],
      },
      ...card.body,
    ],
  };
}

/** The "send me the CSV" card (pressing Import funds). */
export async function fundsPromptReply(ctx: HandlerContext): Promise<Reply> {
  await requireFundsImporter(ctx.deps.svc, actor(ctx));
  const { expiresAt } = await beginFundsFileUpload(ctx.deps.svc, actor(ctx));
  const p = await loadPrincipal(ctx.deps.svc.db, ctx.user.id);
  const now = ctx.deps.svc.clock.now();
  return {
    card: renderFundsPrompt(
      {
        templateUrl: fundsTemplateLink(ctx.deps.config.files, p.organisationId, now),
        minutes: Math.max(1, Math.round((expiresAt.getTime() - now.getTime()) / 60_000)),
        maxRows: FUNDS_IMPORT_MAX_ROWS,
        maxMb: Math.round(Math.min(FUNDS_IMPORT_MAX_BYTES, ctx.deps.config.files.maxBytes) / 1048576),
        columns: COLUMNS.map((c) => COLUMN_HEADERS[c].header),
      },
      ctx.locale,
    ),
  };
}

const importRef = z.object({ importId: z.string().uuid() }).passthrough();

export const adminActions = {
  'admin.open': action(z.object({}).passthrough(), (ctx) => organisationReply(ctx)),

  'admin.rename.form': action(z.object({}).passthrough(), async (ctx) => {
    const view = await getOrganisation(ctx.deps.svc, actor(ctx));
    return { card: renderRenameForm({ name: view.name ?? '' }, ctx.locale) };
  }),

  'admin.rename': action(formData, async (ctx, d) => {
    try {
      await renameOrganisation(ctx.deps.svc, actor(ctx), d);
    } catch (e) {
      if (isServiceError(e) && e.kind === 'invalid')
        return {
          card: renderRenameForm({ name: '', values: typedValues(d), errors: fieldErrors(ctx.locale, e.details.issues) }, ctx.locale),
        };
      if (isServiceError(e) && e.kind === 'forbidden') return organisationReply(ctx, refusal(ctx, e));
      throw e;
    }
    return organisationReply(ctx, good(ctx, 'note.adminSaved'));
  }),

  'admin.location.form': action(optionalId, (ctx, d) => locationFormReply(ctx, d.locationId)),

  'admin.location.save': action(formData.and(optionalId), async (ctx, d) => {
    try {
      if (d.locationId) await updateLocation(ctx.deps.svc, actor(ctx), d);
      else await addLocation(ctx.deps.svc, actor(ctx), d);
    } catch (e) {
      if (isServiceError(e) && e.kind === 'invalid')
        return locationFormReply(ctx, d.locationId, { values: typedValues(d), errors: fieldErrors(ctx.locale, e.details.issues) });
      if (isServiceError(e) && (e.kind === 'conflict' || e.kind === 'not_found' || e.kind === 'forbidden'))
        return organisationReply(ctx, refusal(ctx, e));
      throw e;
    }
    return organisationReply(ctx, good(ctx, 'note.adminSaved'));
  }),

  'admin.location.deactivate': action(z.object({ locationId: z.string().uuid() }).passthrough(), (ctx, d) =>
    thenOrganisation(
      ctx,
      () => setLocationActive(ctx.deps.svc, actor(ctx), { locationId: d.locationId, active: false }),
      good(ctx, 'note.adminSaved'),
    ),
  ),
  'admin.location.reactivate': action(z.object({ locationId: z.string().uuid() }).passthrough(), (ctx, d) =>
    thenOrganisation(
      ctx,
      () => setLocationActive(ctx.deps.svc, actor(ctx), { locationId: d.locationId, active: true }),
      good(ctx, 'note.adminSaved'),
    ),
  ),

  'admin.member.form': action(optionalId, (ctx, d) => memberReply(ctx, d.userId)),

  /** Grant: the person from the picker (a Graph pick is added to the organisation) or the card, the role and its scope. */
  'admin.role.grant': action(formData, async (ctx, d) => {
    const values = typedValues(d);
    // The member card carries our user id (data.userId); the new-grant form's picker sends `person`:
    // "user:<id>" from our own search, or an Entra object id from Teams' Graph picker.
    const cardUser = typeof d.userId === 'string' && z.string().uuid().safeParse(d.userId).success ? d.userId : undefined;
    try {
      let userId = cardUser ?? '';
      if (!cardUser) {
        const pick = (typeof d.person === 'string' ? d.person : '').split(',')[0]!.trim();
        if (!pick) return memberReply(ctx, undefined, { values, errors: { person: t(ctx.locale, 'member.person.error') } });
        try {
          userId = await assigneeFromPick(ctx, pick);
        } catch (e) {
          if (isServiceError(e) && e.kind === 'invalid')
            return memberReply(ctx, undefined, { values, errors: { person: t(ctx.locale, 'member.person.error') } });
          throw e;
        }
      }
      const role = typeof d.role === 'string' ? d.role : '';
      const r = await grantRole(ctx.deps.svc, actor(ctx), {
        userId,
        role,
        locationId: scopeValue(d.locationId),
        programId: scopeValue(d.programId),
      });
      // Roles changed: the rest of the turn reads them afresh (the grant may be the admin's own).
      ctx.principal = undefined;
      const member = await getMember(ctx.deps.svc, actor(ctx), userId);
      const roleLabel = t(ctx.locale, `role.${role}` as StringKey);
      return memberReply(ctx, userId, {
        note: good(ctx, r.created ? 'note.roleGranted' : 'note.roleAlready', { name: member.displayName, role: roleLabel }),
      });
    } catch (e) {
      if (isServiceError(e) && e.kind === 'invalid')
        return memberReply(ctx, cardUser, { values, errors: fieldErrors(ctx.locale, e.details.issues) });
      if (isServiceError(e) && (e.kind === 'forbidden' || e.kind === 'conflict' || e.kind === 'not_found'))
        return memberReply(ctx, cardUser && e.kind !== 'not_found' ? cardUser : undefined, { values, note: refusal(ctx, e) });
      throw e;
    }
  }),

  'admin.role.revoke': action(z.object({ roleAssignmentId: z.string().uuid() }).passthrough(), async (ctx, d) => {
    try {
      const r = await revokeRole(ctx.deps.svc, actor(ctx), d);
      ctx.principal = undefined;
      // Someone who gave up their last admin role sees the welcome rather than a card they may no longer open.
      const p = await loadPrincipal(ctx.deps.svc.db, ctx.user.id);
      if (!p.roles.some((g) => g.role === 'GLOBAL_ADMIN' || g.role === 'INCENTIVES_ADMIN')) {
        return helpReply(ctx);
      }
      return memberReply(ctx, r.userId, { note: good(ctx, 'note.roleRevoked') });
    } catch (e) {
      if (isServiceError(e) && (e.kind === 'conflict' || e.kind === 'forbidden' || e.kind === 'not_found')) {
        const owner = await ctx.deps.svc.db.roleAssignment.findUnique({ where: { id: d.roleAssignmentId }, select: { userId: true } });
        return owner ? memberReply(ctx, owner.userId, { note: refusal(ctx, e) }) : organisationReply(ctx, refusal(ctx, e));
      }
      throw e;
    }
  }),

  'funds.import.start': action(z.object({}).passthrough(), (ctx) => fundsPromptReply(ctx)),

  'funds.import.confirm': action(importRef, async (ctx, d) => {
    try {
      const r = await confirmFundsImport(ctx.deps.svc, actor(ctx), d);
      return overviewWithNote(
        ctx,
        r.applied
          ? good(ctx, 'fundsImported.note', { new: String(r.counts.new), changed: String(r.counts.changed) })
          : good(ctx, 'fundsImported.already'),
      );
    } catch (e) {
      if (isServiceError(e) && (e.kind === 'conflict' || e.kind === 'not_found')) {
        const preview = await getFundsImport(ctx.deps.svc, actor(ctx), d.importId).catch(() => null);
        if (preview) return { card: renderFundsPreview({ ...preview, note: refusal(ctx, e) }, ctx.locale) };
        return organisationReply(ctx, refusal(ctx, e));
      }
      throw e;
    }
  }),

  'funds.import.cancel': action(importRef, async (ctx, d) => {
    await cancelFundsImport(ctx.deps.svc, actor(ctx), d);
    return organisationReply(ctx, good(ctx, 'fundsCancelled.text'));
  }),

  'funds.allocation.pick': action(z.object({}).passthrough(), async (ctx) => ({
    card: renderAllocationPick({ allocations: await listEditableAllocations(ctx.deps.svc, actor(ctx)) }, ctx.locale),
  })),

  'funds.allocation.form': action(formData, async (ctx, d) => {
    const id = typeof d.allocationId === 'string' ? d.allocationId : '';
    return allocationFormReply(ctx, id);
  }),

  'funds.allocation.save': action(formData.and(z.object({ allocationId: z.string().uuid() })), async (ctx, d) => {
    try {
      await updateAllocation(ctx.deps.svc, actor(ctx), d);
    } catch (e) {
      if (isServiceError(e) && e.kind === 'invalid') {
        const errors = Object.fromEntries(
          (e.details.issues ?? []).map((i) => {
            const p = i.params ?? {};
            const key = `issue.${i.code}`;
            const claimed = typeof p.claimedMinor === 'number' ? `${(p.claimedMinor / 100).toFixed(2)} ${String(p.currency ?? '')}` : '';
            const text = key.startsWith('issue.funds_')
              ? t(ctx.locale, key as StringKey, { claimed, end: String(p.end ?? '') })
              : (fieldErrors(ctx.locale, [i])[i.path] ?? t(ctx.locale, 'issue.generic'));
            return [i.path, text];
          }),
        );
        return allocationFormReply(ctx, d.allocationId, { values: typedValues(d), errors });
      }
      throw e;
    }
    return overviewWithNote(ctx, good(ctx, 'note.adminSaved'));
  }),
};
