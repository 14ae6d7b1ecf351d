import organisationTemplate from './templates/organisation.json';
import memberTemplate from './templates/member.json';
import { execute, type ExecuteSpec } from './actions';
import { formatDate, formatMoment, formatMoney } from './format';
import { renderForm, AMOUNT_REGEX, type FormState } from './form';
import { renderNotice } from './notice';
import { expand } from './render';
import { hasKey, langOf, t, type StringKey } from './strings';
import type { AdaptiveCard, RenderOptions } from './types';
import type { MemberView, OrganisationView } from '../services/organisation';
import type { EditableAllocation, FundsImportPreview, ImportRow, Refusal } from '../services/fundsImport';

/**
 * Administration cards: the organisation (locations, people and roles, funds, recent changes), one
 * person's roles, and the forms and answers of a funds import. Shapes are the services' views
 * (type-only imports; cards stay free of I/O).
 */

type Role = 'GLOBAL_ADMIN' | 'INCENTIVES_ADMIN' | 'INCENTIVES_USER' | 'REVIEWER';
const ROLES: readonly Role[] = ['GLOBAL_ADMIN', 'INCENTIVES_ADMIN', 'INCENTIVES_USER', 'REVIEWER'];
type Tone = 'good' | 'attention' | 'default';
export type AdminNote = { text: string; tone: Tone } | null;

const noteOf = (note: AdminNote | undefined) =>
  note
    ? {
        text: note.text,
        style: note.tone === 'attention' ? 'attention' : note.tone === 'good' ? 'good' : 'emphasis',
        tone: note.tone === 'attention' ? 'attention' : 'default',
      }
    : { text: '', style: 'default', tone: 'default' };

const regionCache = new Map<string, Intl.DisplayNames>();
/** "United States" / "미국" for US; the code itself when Intl does not know it. */
export function countryName(code: string, locale: string): string {
  const lang = langOf(locale);
  let names = regionCache.get(lang);
  if (!names) {
    names = new Intl.DisplayNames([lang], { type: 'region' });
    regionCache.set(lang, names);
  }
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

export const roleName = (role: Role, locale: string) => t(locale, `role.${role}` as StringKey);

/** "Incentives user (Contoso Seattle · Surface)", or the role alone when it covers everything. */
export function grantLabel(g: { role: Role; locationName: string | null; programName: string | null }, locale: string): string {
  const scope = [g.locationName, g.programName].filter(Boolean).join(' · ');
  return scope ? t(locale, 'role.scoped', { role: roleName(g.role, locale), scope }) : roleName(g.role, locale);
}

type Action = ExecuteSpec & { type: 'Action.Execute'; url: null };
const act = (spec: ExecuteSpec): Action => ({ ...spec, type: 'Action.Execute', url: null });
const openUrl = (title: string, url: string) => ({
  type: 'Action.OpenUrl',
  title,
  url,
  verb: null,
  data: null,
  style: null,
  associatedInputs: null,
});

type Item = {
  text: string;
  tone: string;
  weight: string;
  detail: string;
  hasDetail: boolean;
  badge: string;
  hasBadge: boolean;
  open: ExecuteSpec;
};
type Section = {
  heading: string;
  intro: string;
  hasIntro: boolean;
  items: Item[];
  lines: string;
  hasLines: boolean;
  facts: Array<{ title: string; value: string }>;
  hasFacts: boolean;
  actions: Array<Action | ReturnType<typeof openUrl>>;
  hasActions: boolean;
};
const section = (s: Partial<Section> & { heading: string }): Section => ({
  intro: '',
  items: [],
  lines: '',
  facts: [],
  actions: [],
  ...s,
  hasIntro: Boolean(s.intro),
  hasLines: Boolean(s.lines),
  hasFacts: (s.facts ?? []).length > 0,
  hasActions: (s.actions ?? []).length > 0,
});
const item = (text: string, open: ExecuteSpec, extra: { detail?: string; badge?: string; subtle?: boolean } = {}): Item => ({
  text,
  tone: extra.subtle ? 'default' : 'accent',
  weight: 'bolder',
  detail: extra.detail ?? '',
  hasDetail: Boolean(extra.detail),
  badge: extra.badge ?? '',
  hasBadge: Boolean(extra.badge),
  open,
});

export type OrganisationCardView = OrganisationView & {
  /** Signed link to the funds CSV template (bot/documentLinks.ts). */
  templateUrl: string;
  note?: AdminNote;
};

/** One line of "Recent changes" in the reader's language, from the event's type and data. */
export function changeText(e: { type: string; data: Record<string, unknown> }, locale: string): string {
  const d = e.data;
  const s = (k: string) => (typeof d[k] === 'string' || typeof d[k] === 'number' ? String(d[k]) : '');
  const role = ROLES.includes(d.role as Role)
    ? grantLabel({ role: d.role as Role, locationName: s('locationName') || null, programName: s('programName') || null }, locale)
    : '';
  const key =
    e.type === 'admin_recognised'
      ? `org.change.admin_recognised.${s('source') === 'directory' ? 'directory' : 'configuration'}`
      : `org.change.${e.type}`;
  return t(locale, hasKey(key) ? key : 'org.change.other', {
    to: s('to'),
    name: s('name'),
    partnerId: s('partnerId'),
    user: s('userName'),
    role,
    file: s('fileName'),
    new: s('new'),
    changed: s('changed'),
    title: s('title'),
  });
}

export function renderOrganisation(vm: OrganisationCardView, locale: string, opts: RenderOptions = {}): AdaptiveCard {
  const sections: Section[] = [];
  if (!vm.isReviewOrganisation) {
    sections.push(
      section({
        heading: t(locale, 'org.locations'),
        intro: vm.locations.length === 0 ? t(locale, 'org.locations.none') : '',
        items: vm.locations.map((l) =>
          item(
            t(locale, 'org.location.line', { name: l.name, partnerId: l.partnerId, country: countryName(l.country, locale) }),
            execute(t(locale, 'org.location.open', { name: l.name }), 'admin.location.form', { locationId: l.id }),
            { badge: l.active ? '' : t(locale, 'org.location.inactive'), subtle: !l.active },
          ),
        ),
        actions: vm.viewer.canManageLocations ? [act(execute(t(locale, 'org.location.add'), 'admin.location.form', {}))] : [],
      }),
    );
    const fundsActions = vm.viewer.canManageFunds
      ? [
          act(execute(t(locale, 'org.funds.import'), 'funds.import.start', {}, { style: 'positive' })),
          act(execute(t(locale, 'org.funds.edit'), 'funds.allocation.pick', {})),
          openUrl(t(locale, 'org.funds.template'), vm.templateUrl),
          act(execute(t(locale, 'common.overview'), 'overview.open', {})),
        ]
      : [];
    sections.push(
      section({
        heading: t(locale, 'org.funds'),
        intro: t(locale, vm.viewer.canManageFunds ? 'org.funds.intro' : 'org.funds.needLocation'),
        actions: fundsActions,
      }),
    );
  }
  const grantable = vm.viewer.grantableRoles.length > 0;
  sections.push(
    section({
      heading: t(locale, 'org.members'),
      items: vm.members.map((m) =>
        item(
          m.email ? `${m.displayName} (${m.email})` : m.displayName,
          execute(t(locale, 'org.member.open', { name: m.displayName }), 'admin.member.form', { userId: m.userId }),
          { detail: m.roles.map((r) => grantLabel(r, locale)).join(' · ') || t(locale, 'org.member.roles.none') },
        ),
      ),
      actions: grantable ? [act(execute(t(locale, 'org.member.add'), 'admin.member.form', {}, { style: 'positive' }))] : [],
    }),
  );
  if (vm.withoutRole.length > 0) {
    sections.push(
      section({
        heading: t(locale, 'org.withoutRole'),
        intro: t(locale, 'org.withoutRole.hint'),
        items: vm.withoutRole.map((u) =>
          item(
            u.email ? `${u.displayName} (${u.email})` : u.displayName,
            execute(t(locale, 'org.member.open', { name: u.displayName }), 'admin.member.form', { userId: u.userId }),
            { detail: t(locale, 'org.member.roles.none') },
          ),
        ),
      }),
    );
  }
  const roles: Role[] = vm.isReviewOrganisation ? ['GLOBAL_ADMIN', 'REVIEWER'] : ['GLOBAL_ADMIN', 'INCENTIVES_ADMIN', 'INCENTIVES_USER'];
  sections.push(
    section({
      heading: t(locale, 'org.roles'),
      facts: roles.map((r) => ({ title: roleName(r, locale), value: t(locale, `role.${r}.desc` as StringKey) })),
    }),
  );
  sections.push(
    section({
      heading: t(locale, 'org.changes'),
      lines:
        vm.recentChanges.length === 0
          ? t(locale, 'org.changes.none')
          : vm.recentChanges
              .map(
                (e) =>
                  `- ${t(locale, 'org.change.line', {
                    date: formatMoment(e.at, locale, opts.timeZone),
                    actor: e.actorName ?? t(locale, 'org.change.system'),
                    text: changeText(e, locale),
                  })}`,
              )
              .join('\n'),
    }),
  );
  return expand(organisationTemplate, {
    title: vm.name ? t(locale, 'org.title', { name: vm.name }) : t(locale, 'org.title.unnamed'),
    subtitle: t(locale, vm.isReviewOrganisation ? 'org.subtitle.review' : 'org.subtitle'),
    hasNote: Boolean(vm.note),
    note: noteOf(vm.note),
    sections,
    hasRename: vm.viewer.isGlobalAdmin,
    rename: execute(t(locale, 'org.rename'), 'admin.rename.form', {}),
  });
}

export type MemberCardView = {
  /** null: a new grant, picking the person first. */
  member: MemberView | null;
  isReviewOrganisation: boolean;
  grantableRoles: Role[];
  locations: Array<{ id: string; name: string }>;
  programs: Array<{ id: string; name: string }>;
  /** People picker: Teams' Graph picker or our own `application/search` dataset, and the first suggestions. */
  pickerDataset: string;
  people: Array<{ id: string; name: string }>;
  note?: AdminNote;
} & FormState;

export function renderMember(vm: MemberCardView, locale: string): AdaptiveCard {
  const m = vm.member;
  const canGrant = vm.grantableRoles.length > 0 && !m?.isMe;
  const errors = Object.values(vm.errors ?? {}).filter(Boolean);
  const allLocations = [
    { title: t(locale, 'member.scope.all.locations'), value: 'all' },
    ...vm.locations.map((l) => ({ title: l.name, value: l.id })),
  ];
  const allPrograms = [
    { title: t(locale, 'member.scope.all.programs'), value: 'all' },
    ...vm.programs.map((p) => ({ title: p.name, value: p.id })),
  ];
  const actions: ExecuteSpec[] = [];
  if (canGrant)
    actions.push(
      execute(t(locale, 'member.grant.submit'), 'admin.role.grant', m ? { userId: m.userId } : {}, { style: 'positive', inputs: 'auto' }),
    );
  actions.push(execute(t(locale, 'common.back'), 'admin.open', {}));
  const lastAdminHint = t(locale, 'member.lastAdmin');
  return expand(memberTemplate, {
    title: m ? t(locale, 'member.title', { name: m.displayName }) : t(locale, 'member.title.new'),
    subtitle: m?.email ?? '',
    hasSubtitle: Boolean(m?.email),
    hasNote: Boolean(vm.note),
    note: noteOf(vm.note),
    hasRoles: Boolean(m),
    rolesHeading: t(locale, 'member.roles'),
    noRoles: Boolean(m) && m!.roles.length === 0,
    noRolesText: t(locale, 'member.roles.none'),
    roles: (m?.roles ?? []).map((r) => ({
      label: grantLabel(r, locale),
      hint: r.role === 'GLOBAL_ADMIN' && !r.revocable ? lastAdminHint : '',
      hasHint: r.role === 'GLOBAL_ADMIN' && !r.revocable,
      revocable: r.revocable,
      revoke: execute(t(locale, 'member.revoke'), 'admin.role.revoke', { roleAssignmentId: r.id }),
      revokeTooltip: t(locale, 'member.revoke.tooltip', { role: grantLabel(r, locale), name: m!.displayName }),
    })),
    hasYou: Boolean(m?.isMe),
    you: t(locale, 'member.you'),
    canGrant,
    // On the card for someone new the title already says it ("Give someone a role").
    hasGrantHeading: Boolean(m),
    grantHeading: t(locale, 'member.grant'),
    hasErrors: errors.length > 0,
    errorLines: errors.map((e) => `- ${e}`).join('\n'),
    hasPicker: !m,
    picker: {
      label: t(locale, 'member.person.label'),
      error: t(locale, 'member.person.error'),
      placeholder: t(locale, 'member.person.placeholder'),
      choices: vm.people.map((p) => ({ title: p.name, value: p.id })),
      data: { type: 'Data.Query', dataset: vm.pickerDataset, count: 15 },
      value: vm.values?.person ?? null,
    },
    roleInput: {
      label: t(locale, 'member.role.label'),
      error: t(locale, 'member.role.error'),
      choices: vm.grantableRoles.map((r) => ({ title: `${roleName(r, locale)}: ${t(locale, `role.${r}.desc` as StringKey)}`, value: r })),
      value: vm.values?.role ?? null,
    },
    hasScope: !vm.isReviewOrganisation && vm.grantableRoles.some((r) => r === 'INCENTIVES_ADMIN' || r === 'INCENTIVES_USER'),
    locationInput: { label: t(locale, 'member.location.label'), choices: allLocations, value: vm.values?.locationId ?? 'all' },
    programInput: { label: t(locale, 'member.program.label'), choices: allPrograms, value: vm.values?.programId ?? 'all' },
    scopeHelp: t(locale, 'member.scope.help'),
    actions,
  });
}

export function renderRenameForm(vm: { name: string } & FormState, locale: string): AdaptiveCard {
  return renderForm(
    {
      title: t(locale, 'org.rename.title'),
      fields: [
        {
          kind: 'text',
          id: 'name',
          label: t(locale, 'org.rename.label'),
          required: true,
          errorMessage: t(locale, 'org.rename.error'),
          maxLength: 120,
          initial: vm.name,
          help: t(locale, 'org.rename.help'),
        },
      ],
      actions: [
        execute(t(locale, 'common.save'), 'admin.rename', {}, { style: 'positive', inputs: 'auto' }),
        execute(t(locale, 'common.back'), 'admin.open', {}),
      ],
    },
    vm,
    locale,
  );
}

export type LocationFormView = {
  location: { id: string; partnerId: string; name: string; country: string; active: boolean } | null;
  canEdit: boolean;
} & FormState;

export function renderLocationForm(vm: LocationFormView, locale: string): AdaptiveCard {
  const l = vm.location;
  const actions: ExecuteSpec[] = [];
  if (vm.canEdit)
    actions.push(
      execute(t(locale, 'common.save'), 'admin.location.save', l ? { locationId: l.id } : {}, { style: 'positive', inputs: 'auto' }),
    );
  if (l && vm.canEdit)
    actions.push(
      l.active
        ? execute(t(locale, 'location.deactivate'), 'admin.location.deactivate', { locationId: l.id }, { style: 'destructive' })
        : execute(t(locale, 'location.reactivate'), 'admin.location.reactivate', { locationId: l.id }),
    );
  actions.push(execute(t(locale, 'common.back'), 'admin.open', {}));
  return renderForm(
    {
      title: l ? t(locale, 'location.title.edit', { name: l.name }) : t(locale, 'location.title.add'),
      intro: t(locale, 'location.intro'),
      emptyNotice: l && !l.active ? t(locale, 'location.inactiveNote') : undefined,
      fields: [
        {
          kind: 'text',
          id: 'partnerId',
          label: t(locale, 'location.partnerId.label'),
          required: true,
          errorMessage: t(locale, 'location.partnerId.error'),
          regex: '^\\s*[0-9]{4,12}\\s*$',
          maxLength: 12,
          initial: l?.partnerId,
          help: t(locale, 'location.partnerId.help'),
        },
        {
          kind: 'text',
          id: 'name',
          label: t(locale, 'location.name.label'),
          required: true,
          errorMessage: t(locale, 'location.name.error'),
          maxLength: 120,
          placeholder: t(locale, 'location.name.placeholder'),
          initial: l?.name,
        },
        {
          kind: 'text',
          id: 'country',
          label: t(locale, 'location.country.label'),
          required: true,
          errorMessage: t(locale, 'location.country.error'),
          regex: '^\\s*[A-Za-z]{2}\\s*$',
          maxLength: 2,
          initial: l?.country,
          help: t(locale, 'location.country.help'),
        },
      ],
      actions,
    },
    vm,
    locale,
  );
}

export type FundsPromptView = { templateUrl: string; minutes: number; maxRows: number; maxMb: number; columns: string[] };

export function renderFundsPrompt(vm: FundsPromptView, locale: string): AdaptiveCard {
  return renderNotice({
    title: t(locale, 'fundsPrompt.title'),
    titleTone: 'accent',
    lines: [
      t(locale, 'fundsPrompt.text'),
      t(locale, 'fundsPrompt.columns', { columns: vm.columns.join(', ') }),
      t(locale, 'fundsPrompt.template', { url: vm.templateUrl }),
      { text: t(locale, 'fundsPrompt.limits', { maxRows: vm.maxRows.toLocaleString('en-US'), maxMb: vm.maxMb }), subtle: true },
      { text: t(locale, 'fundsPrompt.expires', { minutes: vm.minutes }), subtle: true },
    ],
    actions: [execute(t(locale, 'common.cancel'), 'upload.cancelPending', {}), execute(t(locale, 'common.back'), 'admin.open', {})],
  });
}

const money = (minor: number, currency: string, locale: string) => formatMoney(minor, currency, locale);

function changeLine(r: ImportRow, locale: string): string {
  const base = {
    location: r.locationName,
    partnerId: r.partnerId,
    program: r.programName,
    period: r.period,
    earned: money(r.earnedMinor, r.currency, locale),
    deadline: formatDate(r.claimingDeadline, locale),
  };
  return r.action === 'new'
    ? t(locale, 'fundsPreview.line.new', base)
    : t(locale, 'fundsPreview.line.changed', { ...base, before: r.before ? money(r.before.earnedMinor, r.before.currency, locale) : '' });
}

/** A refused row as "Row 4 · Earned amount: "12.345" has more than two decimals". */
export function refusalLine(r: Refusal, locale: string): string {
  const p = r.params ?? {};
  const reasonKey = `fundsReason.${r.code}`;
  const claimed = typeof p.claimedMinor === 'number' ? money(p.claimedMinor, String(p.currency ?? 'USD'), locale) : '';
  const reason = t(locale, hasKey(reasonKey) ? reasonKey : 'fundsReason.invalid', {
    value: p.value,
    start: typeof p.start === 'string' ? formatDate(p.start, locale) : '',
    end: typeof p.end === 'string' ? formatDate(p.end, locale) : '',
    first: p.first,
    period: p.period,
    claimed,
  });
  return r.column
    ? t(locale, 'fundsPreview.refusal', { row: r.row, column: t(locale, `fundsColumn.${r.column}` as StringKey), reason })
    : t(locale, 'fundsPreview.refusalNoColumn', { row: r.row, reason });
}

export function renderFundsPreview(vm: FundsImportPreview & { note?: AdminNote }, locale: string): AdaptiveCard {
  const c = vm.counts;
  const open = vm.status === 'PREVIEW';
  const applicable = c.new + c.changed;
  const more = applicable - vm.changes.length;
  const refusedShown = new Set(vm.refusals.map((r) => r.row)).size;
  const lines: Array<string | { text: string; tone?: 'attention' | 'good' | 'default'; subtle?: boolean }> = [];
  if (vm.note) lines.push({ text: vm.note.text, tone: vm.note.tone === 'attention' ? 'attention' : 'good' });
  if (!open)
    lines.push({ text: t(locale, `fundsPreview.closed.${vm.status}` as StringKey), tone: vm.status === 'APPLIED' ? 'good' : 'default' });
  if (applicable > 0) {
    lines.push({ text: t(locale, 'fundsPreview.changes') });
    lines.push(
      vm.changes.map((r) => `- ${changeLine(r, locale)}`).join('\n') +
        (more > 0 ? `\n- ${t(locale, 'fundsPreview.moreChanges', { count: more })}` : ''),
    );
  } else if (open) lines.push({ text: t(locale, 'fundsPreview.nothing') });
  if (vm.refusals.length > 0) {
    lines.push({ text: t(locale, 'fundsPreview.refusals'), tone: 'attention' });
    lines.push(
      vm.refusals.map((r) => `- ${refusalLine(r, locale)}`).join('\n') +
        (c.refused > refusedShown ? `\n- ${t(locale, 'fundsPreview.moreRefusals', { count: c.refused - refusedShown })}` : ''),
    );
    if (open) lines.push({ text: t(locale, 'fundsPreview.fixHint'), subtle: true });
  }
  const actions: ExecuteSpec[] = [];
  if (open && applicable > 0)
    actions.push(execute(t(locale, 'fundsPreview.confirm'), 'funds.import.confirm', { importId: vm.importId }, { style: 'positive' }));
  if (open) actions.push(execute(t(locale, 'common.cancel'), 'funds.import.cancel', { importId: vm.importId }));
  else actions.push(execute(t(locale, 'common.overview'), 'overview.open', {}), execute(t(locale, 'common.admin'), 'admin.open', {}));
  return renderNotice({
    title: t(locale, 'fundsPreview.title', { file: vm.fileName }),
    facts: [
      { title: t(locale, 'fundsPreview.new'), value: String(c.new) },
      { title: t(locale, 'fundsPreview.changed'), value: String(c.changed) },
      { title: t(locale, 'fundsPreview.unchanged'), value: String(c.unchanged) },
      { title: t(locale, 'fundsPreview.refused'), value: String(c.refused) },
    ],
    lines,
    actions,
  });
}

export function renderAllocationPick(vm: { allocations: EditableAllocation[] } & FormState, locale: string): AdaptiveCard {
  return renderForm(
    {
      title: t(locale, 'allocation.pick.title'),
      emptyNotice: vm.allocations.length === 0 ? t(locale, 'allocation.pick.none') : undefined,
      fields:
        vm.allocations.length === 0
          ? []
          : [
              {
                kind: 'choice',
                id: 'allocationId',
                label: t(locale, 'allocation.pick.label'),
                required: true,
                errorMessage: t(locale, 'allocation.pick.error'),
                style: 'filtered',
                choices: vm.allocations.map((a) => ({
                  title: t(locale, 'allocation.pick.choice', {
                    location: a.locationName,
                    partnerId: a.partnerId,
                    program: a.programName,
                    period: a.period,
                    earned: money(a.earnedMinor, a.currency, locale),
                  }),
                  value: a.allocationId,
                })),
              },
            ],
      actions: [
        ...(vm.allocations.length
          ? [execute(t(locale, 'allocation.pick.next'), 'funds.allocation.form', {}, { style: 'positive', inputs: 'auto' })]
          : []),
        execute(t(locale, 'common.back'), 'admin.open', {}),
      ],
    },
    vm,
    locale,
  );
}

export function renderAllocationForm(vm: { allocation: EditableAllocation } & FormState, locale: string): AdaptiveCard {
  const a = vm.allocation;
  return renderForm(
    {
      title: t(locale, 'allocation.title'),
      subtitle: t(locale, 'allocation.pick.choice', {
        location: a.locationName,
        partnerId: a.partnerId,
        program: a.programName,
        period: a.period,
        earned: money(a.earnedMinor, a.currency, locale),
      }),
      intro: a.claimedMinor > 0 ? t(locale, 'allocation.claimed', { claimed: money(a.claimedMinor, a.currency, locale) }) : undefined,
      fields: [
        {
          kind: 'text',
          id: 'earnedAmount',
          label: t(locale, 'allocation.earned.label', { currency: a.currency }),
          required: true,
          errorMessage: t(locale, 'allocation.earned.error'),
          regex: AMOUNT_REGEX,
          initial: (a.earnedMinor / 100).toFixed(2),
        },
        {
          kind: 'date',
          id: 'claimingDeadline',
          label: t(locale, 'allocation.deadline.label'),
          required: true,
          errorMessage: t(locale, 'allocation.deadline.error'),
          initial: a.claimingDeadline,
        },
      ],
      actions: [
        execute(t(locale, 'common.save'), 'funds.allocation.save', { allocationId: a.allocationId }, { style: 'positive', inputs: 'auto' }),
        execute(t(locale, 'common.back'), 'admin.open', {}),
      ],
    },
    vm,
    locale,
  );
}
