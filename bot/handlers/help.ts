import { renderMessage, renderWelcome, t } from '../../cards';
import type { ServiceError } from '../../services/errors';
import { isLocalMode } from '../adapter';
import { getWelcomeFacts } from '../../services/onboarding';
import type { HandlerContext, Reply } from '../turn';
import { errorReply } from './common';

/**
 * The welcome card doubles as help: what the bot does for this person and every command. A person
 * without any role learns what the app is, whether their organisation is set up, and whom to ask.
 */
export async function helpReply(ctx: HandlerContext): Promise<Reply> {
  const f = await getWelcomeFacts(ctx.deps.svc, { userId: ctx.user.id });
  // A local trial (no app credentials) has neither Graph nor Entra roles: nobody could ever become the
  // first admin, so the person trying it is told the one setting that makes them one.
  const localTrial = f.roles.length === 0 && !f.organisationSetUp && isLocalMode(ctx.deps.config);
  const me = localTrial
    ? await ctx.deps.svc.db.user.findUnique({ where: { id: ctx.user.id }, select: { tenantId: true, aadObjectId: true } })
    : null;
  const noRole =
    f.roles.length === 0
      ? {
          organisationSetUp: f.organisationSetUp,
          admins: f.admins,
          openRequests: f.openRequests,
          bootstrapAdmin: me ? `${me.tenantId}:${me.aadObjectId}` : null,
        }
      : null;
  return {
    card: renderWelcome(
      {
        userName: ctx.user.displayName,
        isReviewer: f.isReviewer,
        isPartner: f.isPartner,
        isAdmin: f.isAdmin,
        organisationName: f.organisationName,
        isReviewOrganisation: f.isReviewOrganisation,
        noRole,
      },
      ctx.locale,
    ),
  };
}

/** "You need a role": names the admins who can give it (never a bare refusal); with no role at all, the welcome. */
export async function roleRequiredReply(ctx: HandlerContext, e: ServiceError): Promise<Reply> {
  const f = await getWelcomeFacts(ctx.deps.svc, { userId: ctx.user.id });
  if (f.roles.length === 0 && f.openRequests === 0) return helpReply(ctx);
  if (f.admins.length === 0 && !f.organisationSetUp)
    return {
      card: renderMessage(
        { title: t(ctx.locale, 'error.title'), text: t(ctx.locale, 'error.forbidden.role_required.notSetUp'), tone: 'attention' },
        ctx.locale,
      ),
    };
  // Only the review organisation's admins grant REVIEWER: naming the partner's own admins would send
  // the person to someone who can never give it.
  const roles = e.details.params?.roles;
  const reviewerOnly = Array.isArray(roles) && roles.length === 1 && roles[0] === 'REVIEWER';
  if (reviewerOnly && ctx.deps.config.access.reviewTenantId && !f.isReviewOrganisation)
    return {
      card: renderMessage(
        { title: t(ctx.locale, 'error.title'), text: t(ctx.locale, 'error.forbidden.role_required.reviewTeam'), tone: 'attention' },
        ctx.locale,
      ),
    };
  if (f.admins.length === 0) return errorReply(ctx, e);
  return {
    card: renderMessage(
      {
        title: t(ctx.locale, 'error.title'),
        text: t(ctx.locale, 'error.forbidden.role_required.ask', { admins: f.admins.join(', ') }),
        tone: 'attention',
      },
      ctx.locale,
    ),
  };
}
