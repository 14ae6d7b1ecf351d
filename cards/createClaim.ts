import { execute } from './actions';
import { AMOUNT_REGEX, renderForm, type FieldSpec, type FormState } from './form';
import { formatMoney } from './format';
import { langOf, t } from './strings';
import type { AdaptiveCard, FundCategory } from './types';

/** The funds a claim can draw on (services/views.ts AllocationOption). */
export type AllocationChoice = {
  allocationId: string;
  locationName: string;
  partnerId: string;
  programName: string;
  /** Surface programs list ADD-HUB, ADD-PC, ADR-HUB; empty for the others. */
  subItems: string[];
  period: string;
  currency: string;
  remainingMinor: number;
};

export type ActivityTypeChoice = {
  id: string;
  name: string;
  nameKo: string;
  category: FundCategory;
  requiresPreApproval: boolean;
};

export type CreateClaimView = FormState & {
  allocations: AllocationChoice[];
  activityTypes: ActivityTypeChoice[];
  idempotencyKey: string;
};

const CATEGORY_ORDER: FundCategory[] = ['DEMAND_GENERATION', 'MARKET_DEVELOPMENT', 'PARTNER_SKILLING'];

/** Input ids match services/claims.ts `createClaimInput`, so the card data can be passed through. */
export function renderCreateClaim(vm: CreateClaimView, locale: string): AdaptiveCard {
  const ko = langOf(locale) === 'ko';
  const allocationChoices = vm.allocations.map((a) => ({
    value: a.allocationId,
    title: t(locale, 'create.allocation.choice', {
      location: a.locationName,
      partnerId: a.partnerId,
      program: a.programName,
      period: a.period,
      remaining: formatMoney(a.remainingMinor, a.currency, locale),
    }),
  }));
  // ChoiceSet has no groups: the category leads each label and the list is sorted by it.
  const activityChoices = [...vm.activityTypes]
    .sort((a, b) => CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category) || a.name.localeCompare(b.name))
    .map((a) => ({
      value: a.id,
      title:
        t(locale, 'create.activity.choice', { category: t(locale, `category.${a.category}`), name: ko && a.nameKo ? a.nameKo : a.name }) +
        (a.requiresPreApproval ? t(locale, 'create.activity.preApproval') : ''),
    }));
  const subItems = [...new Set(vm.allocations.flatMap((a) => a.subItems))];
  const fields: FieldSpec[] = [
    { kind: 'choice', id: 'fundAllocationId', label: t(locale, 'create.allocation.label'), required: true, errorMessage: t(locale, 'create.allocation.error'), placeholder: t(locale, 'create.allocation.placeholder'), choices: allocationChoices, style: 'compact' },
    { kind: 'choice', id: 'activityTypeId', label: t(locale, 'create.activity.label'), required: true, errorMessage: t(locale, 'create.activity.error'), placeholder: t(locale, 'create.activity.placeholder'), choices: activityChoices, style: 'filtered' },
  ];
  if (subItems.length > 0) {
    fields.push({ kind: 'choice', id: 'surfaceSubItem', label: t(locale, 'create.surface.label'), help: t(locale, 'create.surface.help'), placeholder: t(locale, 'create.surface.placeholder'), choices: subItems.map((s) => ({ title: s, value: s })), style: 'compact' });
  }
  fields.push(
    { kind: 'text', id: 'name', label: t(locale, 'create.name.label'), required: true, errorMessage: t(locale, 'create.name.error'), placeholder: t(locale, 'create.name.placeholder'), maxLength: 200 },
    { kind: 'text', id: 'amount', label: t(locale, 'create.amount.label'), required: true, errorMessage: t(locale, 'create.amount.error'), help: t(locale, 'create.amount.help'), regex: AMOUNT_REGEX, placeholder: '1250.00' },
    { kind: 'date', id: 'activityStart', label: t(locale, 'create.start.label'), required: true, errorMessage: t(locale, 'create.start.error') },
    { kind: 'date', id: 'activityEnd', label: t(locale, 'create.end.label'), required: true, errorMessage: t(locale, 'create.end.error') },
    { kind: 'text', id: 'description', label: t(locale, 'create.description.label'), placeholder: t(locale, 'create.description.placeholder'), multiline: true, maxLength: 4000 },
    { kind: 'text', id: 'preApprovalId', label: t(locale, 'create.preApproval.label'), help: t(locale, 'create.preApproval.help'), maxLength: 100 },
    { kind: 'number', id: 'estimatedReach', label: t(locale, 'create.reach.label'), help: t(locale, 'create.reach.help'), min: 0 },
  );
  return renderForm(
    {
      title: t(locale, 'create.title'),
      intro: t(locale, 'create.intro'),
      emptyNotice: vm.allocations.length === 0 ? t(locale, 'create.noFunds') : undefined,
      fields,
      actions:
        vm.allocations.length === 0
          ? [execute(t(locale, 'common.overview'), 'overview.open', {})]
          : [execute(t(locale, 'create.submit'), 'claim.create', { idempotencyKey: vm.idempotencyKey }, { style: 'positive', inputs: 'auto' })],
    },
    vm,
    locale,
  );
}
