import { actionKey, execute } from './actions';
import { AMOUNT_REGEX, backToClaim, renderForm, type FieldSpec, type FormState } from './form';
import { formatMoney, isoDate, minorToInput } from './format';
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
    {
      kind: 'choice',
      id: 'fundAllocationId',
      label: t(locale, 'create.allocation.label'),
      required: true,
      errorMessage: t(locale, 'create.allocation.error'),
      placeholder: t(locale, 'create.allocation.placeholder'),
      choices: allocationChoices,
      style: 'compact',
    },
    {
      kind: 'choice',
      id: 'activityTypeId',
      label: t(locale, 'create.activity.label'),
      required: true,
      errorMessage: t(locale, 'create.activity.error'),
      placeholder: t(locale, 'create.activity.placeholder'),
      choices: activityChoices,
      style: 'filtered',
    },
  ];
  if (subItems.length > 0) {
    fields.push({
      kind: 'choice',
      id: 'surfaceSubItem',
      label: t(locale, 'create.surface.label'),
      help: t(locale, 'create.surface.help'),
      placeholder: t(locale, 'create.surface.placeholder'),
      choices: subItems.map((s) => ({ title: s, value: s })),
      style: 'compact',
    });
  }
  fields.push(
    {
      kind: 'text',
      id: 'name',
      label: t(locale, 'create.name.label'),
      required: true,
      errorMessage: t(locale, 'create.name.error'),
      placeholder: t(locale, 'create.name.placeholder'),
      maxLength: 200,
    },
    {
      kind: 'text',
      id: 'amount',
      label: t(locale, 'create.amount.label'),
      required: true,
      errorMessage: t(locale, 'create.amount.error'),
      help: t(locale, 'create.amount.help'),
      regex: AMOUNT_REGEX,
      placeholder: '1250.00',
    },
    {
      kind: 'date',
      id: 'activityStart',
      label: t(locale, 'create.start.label'),
      required: true,
      errorMessage: t(locale, 'create.start.error'),
    },
    { kind: 'date', id: 'activityEnd', label: t(locale, 'create.end.label'), required: true, errorMessage: t(locale, 'create.end.error') },
    {
      kind: 'text',
      id: 'description',
      label: t(locale, 'create.description.label'),
      placeholder: t(locale, 'create.description.placeholder'),
      multiline: true,
      maxLength: 4000,
    },
    {
      kind: 'text',
      id: 'preApprovalId',
      label: t(locale, 'create.preApproval.label'),
      help: t(locale, 'create.preApproval.help'),
      maxLength: 100,
    },
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
          : [
              execute(
                t(locale, 'create.submit'),
                'claim.create',
                { idempotencyKey: vm.idempotencyKey },
                { style: 'positive', inputs: 'auto' },
              ),
            ],
    },
    vm,
    locale,
  );
}

/** Editing a claim's own fields (services/claims.ts `updateClaimInput`); funds and activity type stay fixed. */
export type EditClaimView = FormState & {
  claim: {
    id: string;
    number: string;
    name: string;
    version: number;
    description: string;
    amountMinor: number;
    currency: string;
    activityStart: string;
    activityEnd: string;
    surfaceSubItem: string | null;
    preApprovalId: string | null;
    estimatedReach: number | null;
  };
  /** The program's Surface sub-items; empty for other programs. */
  subItems: string[];
  idempotencyKey: string;
};

export function renderEditClaim(vm: EditClaimView, locale: string): AdaptiveCard {
  const c = vm.claim;
  const fields: FieldSpec[] = [
    {
      kind: 'text',
      id: 'name',
      label: t(locale, 'create.name.label'),
      required: true,
      errorMessage: t(locale, 'create.name.error'),
      maxLength: 200,
      initial: c.name,
    },
    {
      kind: 'text',
      id: 'amount',
      label: `${t(locale, 'create.amount.label')} (${c.currency})`,
      required: true,
      errorMessage: t(locale, 'create.amount.error'),
      regex: AMOUNT_REGEX,
      initial: minorToInput(c.amountMinor),
    },
    {
      kind: 'date',
      id: 'activityStart',
      label: t(locale, 'create.start.label'),
      required: true,
      errorMessage: t(locale, 'create.start.error'),
      initial: isoDate(c.activityStart),
    },
    {
      kind: 'date',
      id: 'activityEnd',
      label: t(locale, 'create.end.label'),
      required: true,
      errorMessage: t(locale, 'create.end.error'),
      initial: isoDate(c.activityEnd),
    },
    {
      kind: 'text',
      id: 'description',
      label: t(locale, 'create.description.label'),
      multiline: true,
      maxLength: 4000,
      initial: c.description,
    },
  ];
  if (vm.subItems.length > 0) {
    fields.push({
      kind: 'choice',
      id: 'surfaceSubItem',
      label: t(locale, 'create.surface.label'),
      help: t(locale, 'create.surface.help'),
      choices: vm.subItems.map((s) => ({ title: s, value: s })),
      style: 'compact',
      initial: c.surfaceSubItem ?? undefined,
    });
  }
  fields.push(
    {
      kind: 'text',
      id: 'preApprovalId',
      label: t(locale, 'create.preApproval.label'),
      help: t(locale, 'create.preApproval.help'),
      maxLength: 100,
      initial: c.preApprovalId ?? undefined,
    },
    { kind: 'number', id: 'estimatedReach', label: t(locale, 'create.reach.label'), min: 0, initial: c.estimatedReach ?? undefined },
  );
  return renderForm(
    {
      title: t(locale, 'edit.title'),
      subtitle: t(locale, 'common.claimRef', { number: c.number, name: c.name }),
      fields,
      actions: [
        execute(
          t(locale, 'edit.submit'),
          'claim.update',
          { claimId: c.id, version: c.version, idempotencyKey: actionKey(vm.idempotencyKey, 'claim.update') },
          { style: 'positive', inputs: 'auto' },
        ),
        backToClaim(locale, c.id),
      ],
    },
    vm,
    locale,
  );
}
