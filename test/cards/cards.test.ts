import {
  ACTION_DATA_KEYS,
  errorMessage,
  fieldErrors,
  needsFixInputId,
  renderAddDocument,
  renderApproveForm,
  renderAskColleague,
  renderClaimDetail,
  renderCreateClaim,
  renderHistory,
  renderNotification,
  renderReviewQueue,
  renderUploadRequest,
  renderWelcome,
  t,
  type AdaptiveCard,
} from '../../cards';
import { en } from '../../cards/strings/en';
import { ko } from '../../cards/strings/ko';
import { editingClaim, ids, KEY, reviewerClaim } from './fixtures';
import { allCards, createView, historyView, notifications, uploadRequestView } from './samples';
import { actions, findInput, problems, texts } from './validate';

const HANGUL = /[\uac00-\ud7a3]/;
const titles = (c: AdaptiveCard) => actions(c).map((a) => a.title);
const verbs = (c: AdaptiveCard) =>
  actions(c)
    .map((a) => a.verb)
    .filter(Boolean);

describe.each(['en-US', 'ko-KR'])('every card in %s', (locale) => {
  const cards = allCards(locale);
  test.each(cards.map(([name, card]) => [name, card] as const))('%s is a valid Adaptive Card 1.5 under 28 KB', (_name, card) => {
    expect(problems(card)).toEqual([]);
  });
  test('action data carries only ids, version, idempotency key, kind, decision, focus, before, queue filter and page', () => {
    for (const [, card] of cards) {
      for (const a of actions(card)) {
        if (a.type !== 'Action.Execute') continue;
        for (const key of Object.keys(a.data ?? {})) expect(ACTION_DATA_KEYS).toContain(key);
      }
    }
  });
});

describe('claim detail', () => {
  test('an EDITING claim shows the partner Submit, the add buttons and the missing checklist items', () => {
    const card = renderClaimDetail(editingClaim(), 'en-US');
    expect(titles(card)).toEqual(
      expect.arrayContaining([
        'Submit',
        'Add invoice',
        'Add proof',
        'Add metric',
        'Create CSR',
        'Ask a colleague',
        'Cancel claim',
        'History',
      ]),
    );
    expect(titles(card)).not.toContain('Approve');
    const all = texts(card);
    expect(all).toContain('✗ Metric: Registered guests');
    expect(all).toContain('✓ At least one proof of execution');
    expect(all).toContain('Editing');
    expect(all.join('\n')).toContain('$12,500.50');
    const submit = actions(card).find((a) => a.verb === 'claim.submit')!;
    expect(submit.data).toEqual({ claimId: ids.claim, version: 7, idempotencyKey: `${KEY}:submit` });
    const addProof = actions(card).find((a) => a.title === 'Add proof')!;
    expect(addProof).toMatchObject({ verb: 'doc.add.form', data: { claimId: ids.claim, version: 7, kind: 'PROOF' } });
    // Cancel asks first: an inline confirmation that then executes claim.cancel.
    expect(verbs(card)).toContain('claim.cancel');
    expect(card.refresh).toBeUndefined();
  });

  test('a reviewer sees Approve / Reject / Request information and per-document review, but not Submit', () => {
    const card = renderClaimDetail(reviewerClaim(), 'en-US');
    expect(titles(card)).toEqual(
      expect.arrayContaining(['Approve', 'Reject', 'Request information', 'Accept', 'Needs fix', 'Send feedback']),
    );
    expect(titles(card)).not.toContain('Submit');
    expect(titles(card)).not.toContain('Add invoice');
    // The checklist is for the partner while the claim is editable.
    expect(texts(card).some((x) => x.startsWith('✗'))).toBe(false);
    const needsFix = actions(card).find(
      (a) => a.verb === 'review.doc' && a.data?.decision === 'NEEDS_FIX' && a.data?.documentId === ids.proof,
    );
    expect(needsFix).toBeDefined();
    expect(findInput(card, needsFixInputId(ids.proof))).toMatchObject({ isRequired: true });
    // An accepted-as-is document offers no Accept again; the proof (NEEDS_FIX) still does.
    expect(card.refresh).toEqual({
      action: { type: 'Action.Execute', verb: 'claim.refresh', data: { claimId: ids.claim } },
      userIds: ['29:1abc-partner', '29:1def-reviewer'],
    });
  });

  test('reviewer feedback and the "changed" note stand out; refresh keeps at most 60 users', () => {
    const many = Array.from({ length: 80 }, (_, i) => `29:user-${i}`);
    const card = renderClaimDetail(editingClaim({ note: 'changed', refreshUserIds: many }), 'en-US');
    expect(card.refresh?.userIds).toHaveLength(60);
    const json = JSON.stringify(card);
    expect(json).toContain('This claim changed since you last saw it');
    expect(json).toMatch(/"style":"attention","spacing":"medium","items":\[\{"type":"TextBlock","text":"Reviewer feedback"/);
    expect(json).toContain('The Microsoft logo is not visible; please add the full email.');
  });

  test('in Korean, labels, status and activity name are Korean', () => {
    const card = renderClaimDetail(editingClaim(), 'ko-KR');
    const all = texts(card);
    expect(all).toContain('작성 중');
    expect(all).toContain('고객 세미나 / 부트캠프');
    expect(titles(card)).toContain('제출');
    expect(all).toContain('✗ 지표: 등록 참석자 수');
  });

  test('only allowed actions appear', () => {
    const card = renderClaimDetail(editingClaim({ status: 'SUBMITTED', allowedActions: ['history'] }), 'en-US');
    expect(verbs(card)).toEqual(['claim.history']);
  });
});

describe('forms keep what the user typed and show server-side errors', () => {
  test('create claim re-rendered with errors', () => {
    const values = {
      name: 'Spring webinars',
      amount: '12,5x',
      activityStart: '2026-03-02',
      fundAllocationId: ids.allocation,
      estimatedReach: '1200',
    };
    const errors = fieldErrors('en-US', [
      { path: 'amount', code: 'invalid_format', message: 'Enter an amount like 1250 or 1250.50', params: { format: 'regex' } },
      { path: 'activityEnd', code: 'invalid_type', message: 'Invalid input: expected string, received undefined' },
    ]);
    const card = renderCreateClaim(createView({ values, errors }), 'en-US');
    expect(problems(card)).toEqual([]);
    expect(findInput(card, 'name')).toMatchObject({ value: 'Spring webinars', isRequired: true, label: 'Claim name' });
    expect(findInput(card, 'amount')).toMatchObject({ value: '12,5x' });
    expect(findInput(card, 'fundAllocationId')).toMatchObject({ value: ids.allocation });
    expect(findInput(card, 'estimatedReach')).toMatchObject({ value: 1200 });
    const all = texts(card);
    expect(all).toContain('Enter an amount like 1250 or 1250.50');
    expect(all).toContain('This field is required.');
    expect(all).toContain('Please check the highlighted fields:');
    expect(all.join('\n')).toContain('- Activity end: This field is required.');
    const create = actions(card).find((a) => a.verb === 'claim.create')!;
    expect(create.data).toEqual({ idempotencyKey: KEY });
  });

  test('Korean errors are Korean, per field', () => {
    const errors = fieldErrors('ko-KR', [
      { path: 'fields.vendor', code: 'too_small', message: 'Too small', params: { origin: 'string', minimum: 1 } },
      { path: 'fields.amount', code: 'invalid_format', message: 'Enter an amount like 1250 or 1250.50', params: { format: 'regex' } },
    ]);
    expect(errors).toEqual({ vendor: '필수 항목입니다.', amount: '1250 또는 1250.50과 같이 금액을 입력하세요.' });
    const card = renderAddDocument(
      {
        kind: 'INVOICE',
        claim: { id: ids.claim, number: 'CLM-2026-00042', name: 'X', version: 3, currency: 'USD' },
        idempotencyKey: KEY,
        values: { vendor: '', amount: 'abc' },
        errors,
      },
      'ko-KR',
    );
    expect(problems(card)).toEqual([]);
    expect(texts(card)).toEqual(expect.arrayContaining(['필수 항목입니다.', '공급업체', '인보이스 번호']));
    expect(findInput(card, 'amount')).toMatchObject({ value: 'abc' });
    expect(actions(card).find((a) => a.verb === 'doc.add')!.data).toMatchObject({ claimId: ids.claim, version: 3, kind: 'INVOICE' });
  });

  test('the approve form is prefilled with the claimed amount and says partial approval is allowed', () => {
    const card = renderApproveForm(
      {
        claim: { id: ids.claim, number: 'CLM-2026-00042', name: 'X', version: 9 },
        idempotencyKey: KEY,
        amountMinor: 1250050,
        currency: 'USD',
      },
      'en-US',
    );
    expect(findInput(card, 'amount')).toMatchObject({ value: '12500.50', isRequired: true });
    expect(texts(card).join('\n')).toContain('partial approval');
    expect(actions(card).find((a) => a.verb === 'review.approve')!.data).toMatchObject({ claimId: ids.claim, version: 9 });
  });

  test('CSR form needs the attestation toggle; metric form offers the required metrics', () => {
    const claim = { id: ids.claim, number: 'N', name: 'X', version: 1, currency: 'USD' };
    const csr = renderAddDocument({ kind: 'CSR', claim, idempotencyKey: KEY }, 'en-US');
    expect(findInput(csr, 'attestation')).toMatchObject({ type: 'Input.Toggle', isRequired: true, valueOn: 'true' });
    expect(verbs(csr)).toContain('csr.generate');
    const metric = renderAddDocument(
      { kind: 'METRIC', claim, idempotencyKey: KEY, requiredMetrics: ['Registered guests', 'Attendees'] },
      'en-US',
    );
    expect(findInput(metric, 'name')).toMatchObject({
      type: 'Input.ChoiceSet',
      style: 'filtered',
      choices: [
        { title: 'Registered guests', value: 'Registered guests' },
        { title: 'Attendees', value: 'Attendees' },
      ],
    });
    expect(findInput(metric, 'otherName')).toBeDefined();
    expect(verbs(metric)).toContain('metric.add');
  });

  test('the colleague picker queries Graph or the bot dataset, with a static fallback list', () => {
    const base = {
      claim: { id: ids.claim, number: 'N', name: 'X' },
      idempotencyKey: KEY,
      colleagues: [{ id: ids.colleague, name: 'Isaiah Langer' }],
    };
    const graph = renderAskColleague({ ...base, pickerDataset: 'graph' }, 'en-US');
    expect(findInput(graph, 'assigneeId')).toMatchObject({
      'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
      choices: [{ title: 'Isaiah Langer', value: ids.colleague }],
    });
    const search = renderAskColleague({ ...base, pickerDataset: 'colleagues' }, 'en-US');
    expect(findInput(search, 'assigneeId')).toMatchObject({ 'choices.data': { type: 'Data.Query', dataset: 'colleagues' } });
    expect(verbs(search)).toContain('upload.ask');
  });
});

describe('other cards', () => {
  test('welcome lists the commands, Korean aliases in Korean', () => {
    expect(texts(renderWelcome({ userName: 'Alex' }, 'en-US'))).toEqual(
      expect.arrayContaining(['new claim', 'claims', 'claim (number)', 'history (number)', 'help']),
    );
    const koCard = renderWelcome({ userName: '민준' }, 'ko-KR');
    expect(texts(koCard)).toEqual(expect.arrayContaining(['새 청구', '청구', '청구 (번호)', '기록 (번호)', '도움말']));
    expect(verbs(koCard)).toEqual(['claim.new.form', 'overview.open']);
  });

  test('history: localised labels, status change, reviewer feedback highlighted, Older and Back', () => {
    const card = renderHistory(historyView, 'ko-KR');
    const all = texts(card);
    expect(all).toContain('정보 요청');
    expect(all).toContain('검토 중 → 조치 필요');
    expect(all).toContain('시스템 · ' + all.find((x) => x.startsWith('시스템 · '))!.slice(6));
    expect(JSON.stringify(card)).toContain('"style":"attention"');
    expect(actions(card).find((a) => a.verb === 'claim.history')!.data).toEqual({ claimId: ids.claim, before: '37' });
    expect(verbs(card)).toContain('claim.open');
  });

  test('upload request: Upload and Decline while open; closed shows the outcome and no actions but Open claim', () => {
    const open = renderUploadRequest(uploadRequestView(), 'en-US');
    expect(titles(open)).toEqual(expect.arrayContaining(['Upload', 'Decline', 'Send', 'Open claim']));
    expect(findInput(open, 'reason')).toMatchObject({ isRequired: true });
    const declined = renderUploadRequest(uploadRequestView({ status: 'DECLINED', declineReason: 'No access.' }), 'en-US');
    expect(verbs(declined)).toEqual(['claim.open']);
    expect(texts(declined)).toContain('Declined: No access.');
  });

  test('notifications: each payload kind opens the claim; details are shown', () => {
    for (const n of notifications) {
      const card = renderNotification(n, 'en-US');
      expect(verbs(card)).toContain(n.kind === 'upload_requested' ? 'upload.start' : 'claim.open');
    }
    const approved = renderNotification(notifications[0]!, 'en-US');
    expect(texts(approved)).toEqual(expect.arrayContaining(['CLM-2026-00042 is now Approved', 'Approved amount: $10,000.00']));
    const rejected = renderNotification(notifications[1]!, 'ko-KR');
    expect(texts(rejected).join('\n')).toContain('사유: The activity is not eligible for co-op.');
    const feedback = renderNotification(notifications[3]!, 'en-US');
    expect(actions(feedback).find((a) => a.verb === 'claim.open')!.data).toEqual({ claimId: ids.claim, focus: ids.proof });
  });

  test('review queue: oldest first, overdue flagged against its target', () => {
    const [, card] = allCards('en-US').find(([n]) => n === 'reviewQueue')!;
    const all = texts(card);
    expect(all.indexOf('CLM-2026-00042 · Spring cloud webinar series')).toBeLessThan(all.indexOf('CLM-2026-00050 · Print ads'));
    expect(all).toEqual(expect.arrayContaining(['Overdue', 'On time', '4 business days waiting (target 2)']));
    // An empty queue offers only its filter (Apply).
    expect(verbs(renderReviewQueue({ items: [] }, 'en-US'))).toEqual(['reviews.open']);
  });
});

describe('strings and errors', () => {
  test('every English key exists in Korean, non-empty, with the same placeholders', () => {
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(ko[key]).toBeTruthy();
      const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect([key, ph(ko[key])]).toEqual([key, ph(en[key])]);
    }
    expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
    const korean = Object.values(ko).filter((v) => HANGUL.test(v)).length;
    expect(korean / Object.keys(ko).length).toBeGreaterThan(0.85);
  });

  test('t picks Korean for ko locales, English otherwise', () => {
    expect(t('ko', 'status.APPROVED')).toBe('승인됨');
    expect(t('ko-KR', 'status.APPROVED')).toBe('승인됨');
    expect(t('fr-FR', 'status.APPROVED')).toBe('Approved');
    expect(t(undefined, 'status.APPROVED')).toBe('Approved');
  });

  test('service errors become polite messages in the user language', () => {
    expect(errorMessage('en-US', { kind: 'not_found', code: 'claim' })).toContain("couldn't find that claim");
    expect(errorMessage('ko-KR', { kind: 'forbidden', code: 'not_owner' })).toBe(ko['error.forbidden.not_owner']);
    expect(errorMessage('en-US', { kind: 'conflict', code: 'transition_not_allowed', details: { params: { status: 'APPROVED' } } })).toBe(
      "This can't be done while the claim is Approved.",
    );
    expect(errorMessage('ko-KR', { kind: 'conflict', code: 'not_editable', details: { params: { status: 'SUBMITTED' } } })).toContain(
      '제출됨',
    );
    const rules = errorMessage('en-US', {
      kind: 'rule_failed',
      code: 'incomplete',
      details: {
        rules: [
          { rule: 'invoice_or_csr' },
          { rule: 'required_metric', params: { name: 'Attendees' } },
          { rule: 'within_remaining', params: { remainingMinor: 250000, currency: 'USD' } },
          { rule: 'before_deadline', params: { deadline: '2026-08-14' } },
          { rule: 'activity_cap', params: { per: 'usage_period', capMinor: 1875000, usedMinor: 0 } },
        ],
      },
    });
    expect(rules).toContain('- Add a third-party invoice or create a CSR.');
    expect(rules).toContain('- Add the metric "Attendees".');
    expect(rules).toContain('($2,500.00)');
    expect(rules).toContain('Aug 14, 2026');
    expect(rules).toContain("- The amount is over this activity's cap of $18,750.00 per usage period.");
    const invalid = errorMessage('ko-KR', {
      kind: 'invalid',
      code: 'input',
      details: { issues: [{ path: 'name', code: 'too_big', message: 'Too big', params: { origin: 'string', maximum: 200 } }] },
    });
    expect(invalid).toContain('- 이름: 200자 이하로 입력하세요.');
  });

  test('unknown kinds, codes and rules still give a polite message, never internals', () => {
    expect(errorMessage('en-US', { kind: 'boom', code: 'TypeError: x is undefined' })).toBe(en['error.generic']);
    expect(errorMessage('ko-KR', { kind: 'not_found', code: 'spaceship' })).toBe(ko['error.not_found.generic']);
    expect(errorMessage('en-US', { kind: 'conflict', code: 'weird' })).toBe(en['error.conflict.generic']);
    expect(errorMessage('en-US', { kind: 'rule_failed', code: 'incomplete', details: { rules: [{ rule: 'new_rule' }] } })).toContain(
      'A requirement is not met (new_rule).',
    );
  });
});

describe('the validator itself rejects what Teams would', () => {
  const ok = renderWelcome({}, 'en-US');
  test.each([
    ['an unknown element type', { ...ok, body: [...ok.body, { type: 'Input.Rating', id: 'r' }] }],
    ['a template keyword left behind', { ...ok, body: [{ type: 'TextBlock', text: 'x', $when: '${a}' }] }],
    ['an unexpanded expression', { ...ok, body: [{ type: 'TextBlock', text: '${missing}' }] }],
    [
      'entity state in action data',
      { ...ok, actions: [{ type: 'Action.Execute', title: 'x', verb: 'claim.open', data: { claimId: 'c', status: 'APPROVED' } }] },
    ],
    ['an unknown verb', { ...ok, actions: [{ type: 'Action.Execute', title: 'x', verb: 'claim.explode', data: {} }] }],
    ['a version other than 1.5', { ...ok, version: '1.6' }],
    ['a TextBlock without text', { ...ok, body: [{ type: 'TextBlock', wrap: true }] }],
  ])('%s', (_name, card) => {
    expect(problems(card as AdaptiveCard).length).toBeGreaterThan(0);
  });

  test('an accepted document offers no Accept again', () => {
    const claim = reviewerClaim();
    claim.documents = claim.documents.map((d) => ({ ...d, reviewState: 'ACCEPTED' }));
    const card = renderClaimDetail(claim, 'en-US');
    expect(titles(card)).not.toContain('Accept');
    expect(titles(card)).toContain('Needs fix');
  });
});

describe('size', () => {
  test.each([12, 30])('a busy claim (%i proofs with feedback, reviewer view) stays under 28 KB', (n) => {
    const claim = reviewerClaim();
    const doc = claim.documents[1]!;
    claim.documents = Array.from({ length: n }, (_, i) => ({
      ...doc,
      id: `d${String(i).padStart(2, '0')}-4e5f-4a6b-9c8d-7e6f5a4b3c2d`,
      details: `${doc.details} (${i})`,
    }));
    const card = renderClaimDetail(claim, 'ko-KR');
    expect(problems(card)).toEqual([]);
    // The newest five; the rest are one button away (the documents card of that kind).
    expect(texts(card)).toContain(`전체 ${n}건 중 최근 5건`);
    expect(actions(card).find((a) => a.verb === 'claim.documents')).toMatchObject({ data: { claimId: ids.claim, kind: 'PROOF' } });
  });

  test('the edit form is prefilled from the claim', () => {
    const [, card] = allCards('en-US').find(([n]) => n === 'editClaim')!;
    expect(findInput(card, 'amount')).toMatchObject({ value: '12500.50' });
    expect(findInput(card, 'activityStart')).toMatchObject({ value: '2026-03-02' });
    expect(findInput(card, 'surfaceSubItem')).toMatchObject({ value: 'ADD-PC' });
    expect(findInput(card, 'estimatedReach')).toMatchObject({ value: 1200 });
    expect(actions(card).find((a) => a.verb === 'claim.update')!.data).toMatchObject({ claimId: ids.claim, version: 7 });
  });
});
