import fs from 'node:fs';
import path from 'node:path';
import { checklistLabel, errorView, issueMessage, ruleMessage } from '../../cards/errors';
import { en, ko } from '../../cards/strings';

/**
 * Every error code the services can raise reaches the person with its own sentence, in English and
 * Korean: the test reads the codes out of services/ (every notFound/forbidden/conflict/ruleFailed
 * call, every field issue and refinement code, every completeness rule) and fails on any that would
 * fall back to a generic message ("Please check this value.", "A requirement is not met").
 */
const SERVICES = path.join(__dirname, '..', '..', 'services');
const sources = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? sources(p) : d.name.endsWith('.ts') ? [fs.readFileSync(p, 'utf8')] : [];
  });
const code = sources(SERVICES).join('\n');
const all = (re: RegExp) => [...new Set([...code.matchAll(re)].map((m) => m[1]!))].sort();

const raised = {
  not_found: all(/notFound\('([a-z_]+)'/g),
  forbidden: [...all(/forbidden\('([a-z_]+)'/g), ...all(/fail\('forbidden', '([a-z_]+)'/g)],
  conflict: all(/conflict\('([a-z_]+)'/g),
  invalid: all(/fail\('invalid', '([a-z_]+)'/g),
  rule_failed: all(/ruleFailed\('([a-z_]+)'/g).filter((c) => c !== 'incomplete'),
};
/** Issue codes the services write themselves: `{ path: …, code: 'x' }` and refinements' `params: { code: 'x' }`. */
const ZOD = new Set(['too_small', 'too_big', 'invalid_type', 'invalid_format', 'invalid_value', 'custom']);
const issueCodes = [
  ...all(/path: [^\n]*?code: '([a-z_]+)'/g),
  ...all(/\n\s+code: '([a-z_]+)',\n\s+message:/g),
  ...all(/params: \{ code: '([a-z_]+)'/g),
]
  .filter((c, i, a) => !ZOD.has(c) && a.indexOf(c) === i)
  .sort();
// `rule: 'x'`, and both names of `rule: cond ? 'x' : 'y'`.
const rules = [
  ...new Set([...code.matchAll(/\brule: ([^,\n]+)/g)].flatMap((m) => [...m[1]!.matchAll(/'([a-z_]+)'/g)].map((x) => x[1]!))),
].sort();

const generic = (table: Record<string, string>) =>
  new Set(
    Object.entries(table)
      .filter(([k]) => /(^|\.)generic$/.test(k) || k === 'issue.custom' || k === 'issue.invalid_format')
      .map(([, v]) => v.replace(/\{\w+\}.*$/, '')),
  );
const LOCALES = [
  ['en-US', generic(en)],
  ['ko-KR', generic(ko)],
] as const;
const isGeneric = (text: string, g: Set<string>) => [...g].some((x) => x && text.startsWith(x));

describe('every service error code has its own message in both languages', () => {
  it('finds the codes in services/ (the scan is not empty)', () => {
    expect(raised.not_found).toEqual(expect.arrayContaining(['claim', 'document', 'upload_request', 'file']));
    expect(raised.conflict).toEqual(expect.arrayContaining(['stale_version', 'activity_type_retired']));
    expect(issueCodes).toEqual(expect.arrayContaining(['out_of_period', 'pre_approval_required', 'duplicate_invoice', 'csr_line_total']));
    expect(rules).toEqual(expect.arrayContaining(['invoice_or_csr', 'activity_cap', 'invoice_duplicate', 'proof_item']));
  });

  for (const [locale, g] of LOCALES) {
    describe(locale, () => {
      it('would notice a code without a message of its own', () => {
        expect(isGeneric(issueMessage(locale, { path: 'x', code: 'no_such_code' }), g)).toBe(true);
        expect(isGeneric(errorView(locale, { kind: 'conflict', code: 'no_such_code' }).text, g)).toBe(true);
        expect(isGeneric(ruleMessage(locale, { rule: 'no_such_rule' }), g)).toBe(true);
        expect(isGeneric(checklistLabel(locale, { rule: 'no_such_rule' }), g)).toBe(true);
      });

      for (const [kind, codes] of Object.entries(raised))
        for (const c of codes)
          it(`${kind}.${c}`, () => {
            const v = errorView(locale, { kind, code: c, details: { params: { status: 'SUBMITTED', maxBytes: 1048576 } } });
            expect([c, isGeneric(v.text, g)]).toEqual([c, false]);
          });

      for (const c of issueCodes)
        it(`field issue ${c}`, () => {
          const text = issueMessage(locale, {
            path: 'fields.x',
            code: c,
            params: { activity: 'TV / radio', claimNumber: 'CLM-2026-00001' },
          });
          expect([c, isGeneric(text, g), text]).toEqual([c, false, expect.not.stringMatching(/\{\w+\}/)]);
        });

      for (const r of rules)
        it(`rule ${r}: a checklist line and a refusal of its own`, () => {
          const p = { name: 'Attendees', item: 'SCREENSHOT', fact: 'courseCode', capMinor: 100, per: 'usage_period', currency: 'USD' };
          for (const text of [ruleMessage(locale, { rule: r, params: p }), checklistLabel(locale, { rule: r, params: p })])
            expect([r, isGeneric(text, g)]).toEqual([r, false]);
        });

      it('zod codes as the services raise them say what is wrong', () => {
        const cases = [
          { path: 'name', code: 'too_small', params: { origin: 'string', minimum: 1 } },
          { path: 'name', code: 'too_big', params: { origin: 'string', maximum: 200 } },
          { path: 'amount', code: 'too_big', params: { maximum: 100_000, currency: 'USD' } },
          { path: 'dueDate', code: 'too_small', params: { minimum: '2026-11-28' } },
          { path: 'amount', code: 'invalid_format', params: { format: 'regex' } },
          { path: 'invoiceDate', code: 'invalid_format', params: { format: 'regex' } },
          { path: 'fields.currency', code: 'invalid_format', params: { format: 'regex' } },
          { path: 'url', code: 'invalid_format', params: { format: 'url' } },
          { path: 'kind', code: 'invalid_value', params: {} },
          { path: 'version', code: 'invalid_type', params: {} },
        ];
        for (const c of cases) expect([c.path, c.code, isGeneric(issueMessage(locale, c), g)]).toEqual([c.path, c.code, false]);
      });
    });
  }

  it('the create form says the real words for dates outside the usage period and a missing pre-approval ID', () => {
    const out = { path: 'activityStart', code: 'out_of_period', params: { usageStart: '2026-07-01', usageEnd: '2026-12-31' } };
    expect(issueMessage('en-US', out)).toBe('Must be within the usage period, Jul 1, 2026 – Dec 31, 2026.');
    expect(issueMessage('ko-KR', out)).toContain('사용 기간');
    const pre = { path: 'preApprovalId', code: 'pre_approval_required', params: { activity: 'TV / radio', activityKo: 'TV/라디오' } };
    expect(issueMessage('en-US', pre)).toBe('TV / radio needs the pre-approval ID Microsoft issued for it.');
    expect(issueMessage('ko-KR', pre)).toBe('TV/라디오 활동에는 Microsoft가 발급한 사전 승인 ID가 필요합니다.');
  });
});
