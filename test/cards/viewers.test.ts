import {
  formatMoment,
  renderAddDocument,
  renderAskSent,
  renderClaimDetail,
  renderFilePrompt,
  renderFileReceived,
  renderHistory,
  renderNotification,
  renderOverview,
  renderReviewQueue,
  renderUploadRequest,
  renderWelcome,
  type AdaptiveCard,
  type OverviewView,
  type ReviewQueueView,
} from '../../cards';
import { catalogueText } from '../../cards/catalogueText';
import { ACTIVITY_TYPES } from '../../services/catalogue/activityTypes';
import { editingClaim, ids, KEY, reviewerClaim } from './fixtures';
import { allCards, uploadRequestView } from './samples';
import { actions, findInput, problems, texts } from './validate';

/** What people saw wrong in the end-to-end review, as they would see it fixed. */
const titles = (c: AdaptiveCard) => actions(c).map((a) => a.title);
const joined = (c: AdaptiveCard) => texts(c).join('\n');
const verbs = (c: AdaptiveCard) =>
  actions(c)
    .map((a) => a.verb)
    .filter(Boolean);
const fullChecklist = editingClaim().checklist;

describe('claim detail speaks to the person looking', () => {
  test('the partner keeps the partner hint and "Before you can submit"', () => {
    const card = renderClaimDetail(editingClaim(), 'en-US');
    expect(texts(card)).toContain('Next: add invoices or CSRs, proof and metrics, then submit. Reviewers see nothing until you do.');
    expect(texts(card)).toContain('Before you can submit');
  });

  test.each([
    ['SUBMITTED', 'Next: start the review when you pick it up (target: 2 business days).'],
    ['IN_REVIEW', 'Next: accept or mark each document, then approve, reject or request information.'],
    ['DISPUTED', 'Next: the partner disputes the rejection. Decide within 5 business days.'],
  ] as const)('a reviewer of a %s claim reads what the reviewer does next', (status, line) => {
    const card = renderClaimDetail({ ...reviewerClaim(), status }, 'en-US');
    expect(texts(card)).toContain(line);
    expect(joined(card)).not.toMatch(/resubmit|you can submit|Reviewers see nothing/i);
  });

  test('a reviewer sees the completeness checklist under a neutral heading, without "You can submit"', () => {
    const card = renderClaimDetail({ ...reviewerClaim(), checklist: fullChecklist }, 'en-US');
    const all = texts(card);
    expect(all).toContain('Completeness');
    expect(all).toContain('✗ Metric: Registered guests');
    expect(all).not.toContain('Before you can submit');
    const done = renderClaimDetail({ ...reviewerClaim(), checklist: fullChecklist.map((c) => ({ ...c, ok: true })) }, 'en-US');
    expect(texts(done)).toContain('Everything required is in place.');
    expect(joined(done)).not.toContain('You can submit');
    const ko = renderClaimDetail({ ...reviewerClaim(), checklist: fullChecklist }, 'ko-KR');
    expect(texts(ko)).toContain('완전성 확인');
    expect(texts(ko)).toContain('다음 단계: 각 문서를 적합 또는 수정 필요로 표시한 뒤, 청구를 승인·거부하거나 정보를 요청하세요.');
  });

  test.each(['colleague', 'other'] as const)('a %s is not told to submit and sees no checklist', (viewerRole) => {
    const card = renderClaimDetail(editingClaim({ viewerRole, allowedActions: ['history'] }), 'en-US');
    const all = joined(card);
    expect(all).not.toMatch(/submit/i);
    expect(all).not.toContain('✗');
    expect(all).not.toContain('Before you can submit');
    expect(texts(card)).toContain('The claim owner is still preparing this claim.');
  });

  test('checklist ticks are plain text and misses stand out; no light green or yellow text on the card background', () => {
    const card = renderClaimDetail(editingClaim({ status: 'ACTION_REQUIRED', note: 'infoRequested' }), 'en-US');
    const blocks: Array<{ text?: string; color?: string }> = [];
    const walk = (n: unknown, inStyled: boolean): void => {
      if (Array.isArray(n)) return n.forEach((x) => walk(x, inStyled));
      if (!n || typeof n !== 'object') return;
      const o = n as Record<string, unknown>;
      const styled = inStyled || (o.type === 'Container' && typeof o.style === 'string' && o.style !== 'emphasis' && o.style !== 'default');
      if (o.type === 'TextBlock' && !styled) blocks.push(o as { text?: string; color?: string });
      Object.values(o).forEach((x) => walk(x, styled));
    };
    walk(card.body, false);
    expect(blocks.filter((b) => b.color === 'good' || b.color === 'warning')).toEqual([]);
    expect(blocks.find((b) => b.text === '✓ At least one proof of execution')?.color ?? 'default').toBe('default');
    expect(blocks.find((b) => b.text === '✗ Metric: Registered guests')?.color).toBe('attention');
    // The "Action required" badge: dark text on its own tinted container.
    expect(JSON.stringify(card)).toContain(
      '"style":"warning","items":[{"type":"TextBlock","text":"Action required","weight":"bolder","size":"small","color":"default"}]',
    );
  });
});

describe('documents can be replaced and removed by the partner', () => {
  test('each invoice and proof offers Replace; every document offers Remove with a confirmation', () => {
    const card = renderClaimDetail(
      editingClaim({ status: 'ACTION_REQUIRED', allowedActions: ['add_invoice', 'add_proof', 'resubmit', 'history'] }),
      'en-US',
    );
    expect(problems(card)).toEqual([]);
    const replace = actions(card).filter((a) => a.title === 'Replace');
    expect(replace.map((a) => a.data)).toEqual([
      { claimId: ids.claim, kind: 'INVOICE', documentId: ids.invoice },
      { claimId: ids.claim, kind: 'PROOF', documentId: ids.proof },
    ]);
    expect(replace.every((a) => a.verb === 'doc.add.form')).toBe(true);
    expect(titles(card).filter((x) => x === 'Remove')).toHaveLength(2);
    const removes = actions(card).filter((a) => a.verb === 'doc.remove');
    expect(removes.map((a) => a.title)).toEqual(['Yes, remove', 'Yes, remove']);
    expect(removes[1]!.data).toEqual({
      claimId: ids.claim,
      version: 7,
      documentId: ids.proof,
      idempotencyKey: expect.stringMatching(/^9d3f.*:rm:/),
    });
    expect(removes[0]!.data!.idempotencyKey).not.toBe(removes[1]!.data!.idempotencyKey);
    expect(texts(card)).toContain('Remove this document from the claim? It stays in the claim history.');
    // Screen readers hear which document each button is for.
    expect(
      actions(card)
        .filter((a) => a.title === 'Remove')
        .map((a) => (a as { tooltip?: string }).tooltip),
    ).toEqual([
      'Remove Fabrikam Events · INV-1042 · Mar 25, 2026 · $8,000.00',
      'Remove Invitation email showing Contoso branding and Microsoft Cop…',
    ]);
    expect((replace[0] as { tooltip?: string }).tooltip).toBe('Replace Fabrikam Events · INV-1042 · Mar 25, 2026 · $8,000.00');
  });

  test('a metric can be removed but not replaced; reviewers and colleagues get neither', () => {
    const metric = {
      ...editingClaim().documents[0]!,
      id: ids.metric,
      kind: 'METRIC' as const,
      fields: { name: 'Registered guests', value: '120' },
      fileName: null,
    };
    const partner = renderClaimDetail(editingClaim({ documents: [metric] }), 'en-US');
    expect(titles(partner)).toContain('Remove');
    expect(titles(partner)).not.toContain('Replace');
    const reviewer = renderClaimDetail(reviewerClaim(), 'en-US');
    expect(titles(reviewer)).not.toContain('Replace');
    expect(titles(reviewer)).not.toContain('Remove');
    const colleague = renderClaimDetail(editingClaim({ viewerRole: 'colleague', allowedActions: ['history'] }), 'en-US');
    expect(actions(colleague).some((a) => a.verb === 'doc.remove' || a.title === 'Replace')).toBe(false);
  });

  test('a busy partner claim (many documents of every kind) stays under the card budget', () => {
    const base = editingClaim();
    const doc = base.documents[1]!;
    const kinds = ['INVOICE', 'CSR', 'PROOF', 'METRIC', 'ADDITIONAL_INFO'] as const;
    const documents = kinds.flatMap((kind, k) =>
      Array.from({ length: 12 }, (_, i) => ({
        ...doc,
        kind,
        id: `${k}${String(i).padStart(7, '0')}-4e5f-4a6b-9c8d-7e6f5a4b3c2d`,
        details: `${doc.details} (${i})`,
      })),
    );
    for (const locale of ['en-US', 'ko-KR']) {
      const card = renderClaimDetail({ ...base, documents }, locale);
      expect(problems(card)).toEqual([]);
      expect(titles(card)).toContain('Submit'.replace('Submit', locale === 'ko-KR' ? '제출' : 'Submit'));
      expect(actions(card).some((a) => a.verb === 'doc.remove')).toBe(true);
    }
  });

  test('the add form for a replacement says Replace and its submit carries the replaced document', () => {
    const claim = { id: ids.claim, number: 'CLM-2026-00042', name: 'Spring cloud webinar series', version: 7, currency: 'USD' };
    const card = renderAddDocument({ kind: 'PROOF', claim, idempotencyKey: KEY, replacesDocumentId: ids.proof }, 'en-US');
    expect(problems(card)).toEqual([]);
    expect(texts(card)).toContain('Replace the proof of execution');
    const submit = actions(card).find((a) => a.verb === 'doc.add')!;
    expect(submit.data).toMatchObject({ claimId: ids.claim, version: 7, kind: 'PROOF', documentId: ids.proof });
    const ko = renderAddDocument({ kind: 'INVOICE', claim, idempotencyKey: KEY, replacesDocumentId: ids.invoice }, 'ko-KR');
    expect(texts(ko)).toContain('인보이스 교체');
    const plain = renderAddDocument({ kind: 'PROOF', claim, idempotencyKey: KEY }, 'en-US');
    expect(texts(plain)).toContain('Add proof of execution');
    expect(actions(plain).find((a) => a.verb === 'doc.add')!.data).not.toHaveProperty('documentId');
  });
});

describe('review queue', () => {
  const row = (over: Partial<ReviewQueueView['items'][number]> = {}): ReviewQueueView['items'][number] => ({
    claimId: ids.claim,
    number: 'CLM-2026-00001',
    name: 'Autumn search ads',
    status: 'SUBMITTED',
    programName: 'CSP Indirect Reseller',
    amountMinor: 80000,
    currency: 'USD',
    waitingSince: '2026-11-27T00:00:00Z',
    ageBusinessDays: 1,
    targetBusinessDays: 2,
    ...over,
  });

  test('each row opens its own claim and says which; the count is singular or plural', () => {
    const one = renderReviewQueue({ items: [row({ organisationName: 'Contoso Partners', locationName: 'Contoso Seattle' })] }, 'en-US');
    expect(texts(one)).toContain('1 claim, oldest first');
    expect(texts(one)).toContain('Contoso Partners · Contoso Seattle · CSP Indirect Reseller · $800.00');
    const open = actions(one).find((a) => a.verb === 'claim.open')!;
    expect(open).toMatchObject({ title: 'Open CLM-2026-00001', data: { claimId: ids.claim } });
    const two = renderReviewQueue({ items: [row(), row({ claimId: 'q2', number: 'CLM-2026-00002' })] }, 'en-US');
    expect(texts(two)).toContain('2 claims, oldest first');
    expect(titles(two)).toEqual(['Open CLM-2026-00001', 'Open CLM-2026-00002', 'Filter', 'Apply']);
    expect(texts(two)).toContain('CSP Indirect Reseller · $800.00');
    const ko = renderReviewQueue({ items: [row({ locationName: 'Contoso Seoul' })] }, 'ko-KR');
    expect(texts(ko)).toContain('청구 1건, 오래된 순');
    expect(titles(ko)).toEqual(['CLM-2026-00001 열기', '필터', '적용']);
    expect(texts(ko)).toContain('Contoso Seoul · CSP Indirect Reseller · US$800.00');
  });

  test('"On time" and statuses are readable text, not light green or yellow', () => {
    const card = renderReviewQueue({ items: [row({ status: 'DISPUTED', targetBusinessDays: 5 })] }, 'en-US');
    // Text stays readable (chart segments are coloured bars, not text; the sweep below checks text everywhere).
    const text = JSON.stringify(card, (k, v) => (k === 'data' || k === 'segments' ? undefined : v));
    expect(text).not.toMatch(/"color":"(good|warning)"/);
  });
});

describe('upload request card', () => {
  test('shows the due date without a time, and the claim amount, program and location', () => {
    const card = renderUploadRequest(uploadRequestView({ kind: 'INVOICE', dueAt: new Date('2026-12-15T23:59:59.999Z') }), 'en-US');
    const all = texts(card);
    expect(all).toContain('Dec 15, 2026');
    expect(all.join('\n')).not.toMatch(/AM|PM/);
    expect(all).toEqual(
      expect.arrayContaining(['$12,500.50', 'CSP Indirect Reseller', 'Contoso Korea', 'CLM-2026-00042 · Spring cloud webinar series']),
    );
    const byDate = renderUploadRequest(uploadRequestView({ dueDate: '2026-12-16', dueAt: '2026-12-16T23:59:59.999Z' }), 'ko-KR');
    expect(texts(byDate)).toContain('2026년 12월 16일');
  });

  test('without the optional claim details the card still reads well', () => {
    const card = renderUploadRequest(
      uploadRequestView({ claim: { id: ids.claim, number: 'CLM-2026-00001', name: 'Ignite booth' } }),
      'en-US',
    );
    expect(problems(card)).toEqual([]);
    expect(texts(card)).not.toContain('Amount');
    expect(texts(card)).toContain('CLM-2026-00001 · Ignite booth');
  });

  test('a note (why a click was refused) sits at the top; a fulfilled request thanks the colleague', () => {
    const card = renderUploadRequest(
      uploadRequestView({ note: { text: 'This upload request is already closed.', tone: 'attention' } }),
      'en-US',
    );
    expect(problems(card)).toEqual([]);
    expect(texts(card)[0]).toBe('This upload request is already closed.');
    const done = renderUploadRequest(uploadRequestView({ status: 'FULFILLED' }), 'en-US');
    expect(texts(done)).toContain('Uploaded. Thank you!');
    expect(verbs(done)).toEqual(['claim.open']);
    expect(JSON.stringify(done)).not.toMatch(/"color":"(good|warning)"/);
    expect(texts(renderUploadRequest(uploadRequestView({ status: 'FULFILLED' }), 'ko-KR'))).toContain('업로드했습니다. 감사합니다!');
  });
});

describe('kind names inside sentences are lower case in English', () => {
  const claim = { id: ids.claim, number: 'CLM-2026-00042', name: 'Spring cloud webinar series' };
  test('file prompt, request sent, file received and notifications', () => {
    expect(joined(renderFilePrompt({ claim, kind: 'PROOF', expiresAt: '2026-11-28T13:00:00Z', maxMb: 25 }, 'en-US'))).toContain(
      'Attach the proof of execution for CLM-2026-00042 · Spring cloud webinar series as a file in this chat.',
    );
    expect(
      texts(
        renderAskSent(
          {
            claimId: ids.claim,
            assigneeName: 'Isaiah Langer',
            kind: 'INVOICE',
            dueAt: new Date('2026-12-15T23:59:59.999Z'),
            reachable: true,
          },
          'en-US',
        ),
      ),
    ).toContain('I asked Isaiah Langer for the invoice by Dec 15, 2026.');
    expect(joined(renderFileReceived({ claim, kind: 'INVOICE', fileName: 'INV-1042.pdf' }, 'en-US'))).toContain(
      'INV-1042.pdf was added to CLM-2026-00042 as the invoice.',
    );
    const base = { claimId: ids.claim, number: 'CLM-2026-00042', name: 'Spring cloud webinar series', uploadRequestId: ids.uploadRequest };
    expect(
      joined(renderNotification({ ...base, kind: 'upload_fulfilled', documentKind: 'INVOICE', byName: 'Isaiah Langer' }, 'en-US')),
    ).toContain('Isaiah Langer uploaded the invoice you asked for on CLM-2026-00042');
    expect(
      joined(renderNotification({ ...base, kind: 'upload_reminder', documentKind: 'ADDITIONAL_INFO', dueAt: '2026-04-05' }, 'en-US')),
    ).toContain('The additional information for CLM-2026-00042 · Spring cloud webinar series is due Apr 5, 2026.');
    expect(joined(renderFilePrompt({ claim, kind: 'PROOF', expiresAt: '2026-11-28T13:00:00Z', maxMb: 25 }, 'ko-KR'))).toContain(
      '실행 증빙',
    );
  });
});

describe('times say their zone', () => {
  const claim = { id: ids.claim, number: 'CLM-2026-00042', name: 'Spring cloud webinar series' };
  test('without a user time zone a moment is labelled UTC; with one it is local', () => {
    expect(formatMoment('2026-11-28T13:00:00Z', 'en-US')).toBe('Nov 28, 2026, 1:00 PM UTC');
    expect(formatMoment('2026-11-28T13:00:00Z', 'en-US', 'Asia/Seoul')).toBe('Nov 28, 2026, 10:00 PM');
    expect(formatMoment('2026-11-28T13:00:00Z', 'ko-KR')).toContain('UTC');
    // A Korean partner reads Korean or a 24-hour clock, never the English 'PM 1:00'.
    expect(formatMoment('2026-11-28T13:00:00Z', 'ko-KR')).toBe('2026년 11월 28일 13:00 UTC');
    expect(formatMoment('2026-11-28T13:00:00Z', 'ko-KR', 'Asia/Seoul')).not.toMatch(/AM|PM/);
    expect(formatMoment('2026-11-28T13:00:00Z', 'en-US', 'Not/AZone')).toBe('Nov 28, 2026, 1:00 PM UTC');
  });

  test('the file prompt says how long it waits, relative when the bot passes now', () => {
    const absolute = renderFilePrompt({ claim, kind: 'INVOICE', expiresAt: '2026-11-28T13:00:00Z', maxMb: 25 }, 'en-US');
    expect(texts(absolute)).toContain('I wait for it until Nov 28, 2026, 1:00 PM UTC.');
    const relative = renderFilePrompt(
      { claim, kind: 'INVOICE', expiresAt: '2026-11-28T13:00:00Z', now: '2026-11-28T12:30:00Z', maxMb: 25 },
      'en-US',
    );
    expect(texts(relative)).toContain('I wait for it for the next 30 minutes.');
    expect(
      texts(
        renderFilePrompt({ claim, kind: 'INVOICE', expiresAt: '2026-11-28T13:00:00Z', now: '2026-11-28T12:30:00Z', maxMb: 25 }, 'ko-KR'),
      ),
    ).toContain('앞으로 30분 동안 기다립니다.');
  });

  test('notification lines on the card background are readable colours', () => {
    const base = { claimId: ids.claim, number: 'CLM-2026-00042', name: 'Spring cloud webinar series' };
    for (const n of [
      {
        ...base,
        kind: 'status_changed' as const,
        from: 'IN_REVIEW',
        to: 'ACTION_REQUIRED',
        byName: 'Patti Fernandez',
        reason: 'Please add the URL.',
      },
      {
        ...base,
        kind: 'status_changed' as const,
        from: 'IN_REVIEW',
        to: 'APPROVED',
        byName: 'Patti Fernandez',
        amountMinor: 60000,
        currency: 'USD',
      },
    ]) {
      const card = renderNotification(n, 'en-US');
      // Text stays readable (chart segments are coloured bars, not text; the sweep below checks text everywhere).
      const text = JSON.stringify(card, (k, v) => (k === 'data' || k === 'segments' ? undefined : v));
      expect(text).not.toMatch(/"color":"(good|warning)"/);
    }
    const actionRequired = renderNotification(
      { ...base, kind: 'status_changed', from: 'IN_REVIEW', to: 'ACTION_REQUIRED', byName: 'Patti Fernandez' },
      'en-US',
    );
    expect(JSON.stringify(actionRequired)).toContain(
      '"text":"The reviewer needs more information. Update the claim and resubmit.","color":"attention"',
    );
  });
});

describe('overview', () => {
  const claims = (approvedMinor?: number | null) => [
    {
      status: 'APPROVED' as const,
      claims: [
        {
          id: 'c-1',
          number: 'CLM-2026-00001',
          name: 'Autumn search ads',
          amountMinor: 80000,
          approvedMinor,
          currency: 'USD',
          updatedAt: '2026-11-28T12:00:00Z',
        },
      ],
    },
  ];
  const row = (over: Partial<OverviewView['rows'][number]>): OverviewView['rows'][number] => ({
    allocationId: 'a',
    locationName: 'Contoso Seattle',
    partnerId: '4871234',
    programName: 'CSP Indirect Reseller',
    period: 'FY27-H1',
    currency: 'USD',
    earnedMinor: 450000,
    claimedMinor: 80000,
    approvedMinor: 60000,
    remainingMinor: 370000,
    claimingDeadline: '2027-02-14',
    windowOpen: true,
    ...over,
  });

  test('an approved claim shows the approved amount of the claimed one; without it, the claimed amount', () => {
    expect(texts(renderOverview({ rows: [], totals: [], myClaims: claims(60000) }, 'en-US'))).toContain(
      'CLM-2026-00001 · Autumn search ads · $600.00 approved of $800.00',
    );
    expect(texts(renderOverview({ rows: [], totals: [], myClaims: claims(60000) }, 'ko-KR'))).toContain(
      'CLM-2026-00001 · Autumn search ads · US$800.00 중 US$600.00 승인',
    );
    expect(texts(renderOverview({ rows: [], totals: [], myClaims: claims() }, 'en-US'))).toContain(
      'CLM-2026-00001 · Autumn search ads · $800.00',
    );
    expect(actions(renderOverview({ rows: [], totals: [], myClaims: claims() }, 'en-US')).find((x) => x.verb === 'claim.open')!.title).toBe(
      'Open CLM-2026-00001',
    );
  });

  test('periods closed for claims with nothing claimed fold into one toggle; the card stays short', () => {
    const closed = ['Contoso Seattle', 'Contoso Seoul'].flatMap((locationName, i) =>
      ['CSP Indirect Reseller', 'Hosting', 'Surface'].map((programName, j) =>
        row({
          allocationId: `c${i}${j}`,
          locationName,
          programName,
          period: 'FY26-H2',
          claimedMinor: 0,
          approvedMinor: 0,
          remainingMinor: 900000,
          earnedMinor: 900000,
          claimingDeadline: '2026-08-14',
          windowOpen: false,
        }),
      ),
    );
    const withClaims = row({ allocationId: 'old', period: 'FY26-H1', windowOpen: false, claimingDeadline: '2026-02-14' });
    const card = renderOverview({ rows: [row({}), withClaims, ...closed], totals: [], myClaims: claims(60000) }, 'en-US');
    expect(problems(card)).toEqual([]);
    const all = texts(card);
    expect(all).toContain('Claim by Feb 14, 2027');
    expect(all).toContain('Claiming closed on Feb 14, 2026');
    const toggle = actions(card).find((a) => a.type === 'Action.ShowCard')!;
    expect(toggle.title).toBe('Closed for claims (6)');
    expect(all).toContain('Contoso Seoul (4871234) · Surface · FY26-H2 · $9,000.00 earned · closed Aug 14, 2026');
    // Only the open row and the one with claims get the four-figure layout.
    expect(all.filter((x) => x === 'Earned')).toHaveLength(2);
    // Text stays readable (chart segments are coloured bars, not text; the sweep below checks text everywhere).
    const text = JSON.stringify(card, (k, v) => (k === 'data' || k === 'segments' ? undefined : v));
    expect(text).not.toMatch(/"color":"(good|warning)"/);
  });
});

describe('welcome', () => {
  test('a reviewer is led to the review queue, not to a new claim', () => {
    const card = renderWelcome({ userName: 'Patti', isReviewer: true }, 'en-US');
    expect(titles(card)).toEqual(['Review queue', 'Overview']);
    expect(actions(card)[0]).toMatchObject({ verb: 'reviews.open', style: 'positive' });
    expect(texts(card)).toContain('reviews');
    expect(texts(card)).not.toContain('new claim');
    expect(joined(card)).toContain('review queue lists the claims waiting for you');
    expect(titles(renderWelcome({ isReviewer: true }, 'ko-KR'))).toEqual(['검토 대기열', '개요']);
  });

  test('a colleague without a role is told about upload requests and offered no New claim', () => {
    const card = renderWelcome({ userName: 'Isaiah', isPartner: false }, 'en-US');
    expect(problems(card)).toEqual([]);
    expect(verbs(card)).not.toContain('claim.new.form');
    expect(texts(card)).not.toContain('new claim');
    expect(joined(card)).toContain('When one of them needs a document from you');
    const ko = renderWelcome({ userName: '이사야', isPartner: false }, 'ko-KR');
    expect(problems(ko)).toEqual([]);
    expect(joined(ko)).toContain('업로드를 선택한 뒤');
    expect(joined(ko)).toContain('(claim (number), help)');
  });

  test('a partner (the default) keeps New claim first', () => {
    expect(titles(renderWelcome({ userName: 'Alex' }, 'en-US'))).toEqual(['New claim', 'Overview']);
    expect(titles(renderWelcome({ userName: 'Alex', isPartner: true }, 'en-US'))).toEqual(['New claim', 'Overview']);
  });
});

describe('no card draws yellow or light-green text on its own background', () => {
  test.each(['en-US', 'ko-KR'])('every sample card in %s', (locale) => {
    for (const [name, card] of allCards(locale)) {
      const bad: string[] = [];
      const walk = (n: unknown, tinted: boolean): void => {
        if (Array.isArray(n)) return n.forEach((x) => walk(x, tinted));
        if (!n || typeof n !== 'object') return;
        const o = n as Record<string, unknown>;
        const inTint = tinted || (o.type === 'Container' && ['good', 'warning', 'attention', 'accent'].includes(String(o.style)));
        if (o.type === 'TextBlock' && (o.color === 'warning' || (o.color === 'good' && !inTint))) bad.push(String(o.text));
        Object.values(o).forEach((x) => walk(x, inTint));
      };
      walk(card, false);
      expect([name, bad]).toEqual([name, []]);
    }
  });
});

describe('no date reads as a numbered list', () => {
  // Teams renders TextBlock and fact values as markdown: a line starting "2027. 2. 14." became a
  // list marker and the date vanished from a Korean claim card's deadline and activity dates.
  test.each(['en-US', 'ko-KR'])('no text of any sample card in %s starts with "<digits>. "', (locale) => {
    for (const [name, card] of allCards(locale)) {
      const listLike = texts(card).filter((s) => s.split('\n').some((line) => /^\s*\d+\.\s/.test(line)));
      expect([name, listLike]).toEqual([name, []]);
    }
  });

  test('a Korean claim card shows its deadline and activity dates in words', () => {
    const card = renderClaimDetail(editingClaim(), 'ko-KR');
    expect(joined(card)).toMatch(/\d{4}년 \d{1,2}월 \d{1,2}일 – \d{4}년 \d{1,2}월 \d{1,2}일/);
  });
});

describe('the activity catalogue reads in Korean', () => {
  const claim = { id: ids.claim, number: 'CLM-2026-00042', name: 'X', version: 1, currency: 'USD' };

  test('every metric name and proof guidance of the catalogue has its words in both tables', () => {
    for (const at of ACTIVITY_TYPES) {
      for (const text of [at.proofGuidance, ...at.requiredMetrics]) {
        expect([at.code, catalogueText('en-US', text)]).toEqual([at.code, text]);
        expect([at.code, text, /[가-힣]/.test(catalogueText('ko-KR', text))]).toEqual([at.code, text, true]);
      }
    }
  });

  test('a Korean partner picks "클릭률", reads what the proof must show, and the checklist names the metric in Korean', () => {
    const metric = renderAddDocument({ kind: 'METRIC', claim, idempotencyKey: KEY, requiredMetrics: ['Click-through rate'] }, 'ko-KR');
    // The value stays the catalogue's name: it is what the completeness rule matches.
    expect(findInput(metric, 'name')).toMatchObject({ choices: [{ title: '클릭률', value: 'Click-through rate' }] });
    const proof = renderAddDocument(
      { kind: 'PROOF', claim, idempotencyKey: KEY, proofGuidance: 'Screenshot and landing-page URL' },
      'ko-KR',
    );
    expect(joined(proof)).toContain('증빙에 보여야 할 내용: 스크린샷과 랜딩 페이지 URL');
    const card = renderClaimDetail(
      { ...editingClaim(), checklist: [{ rule: 'required_metric', ok: false, params: { name: 'Click-through rate' } }] },
      'ko-KR',
    );
    expect(joined(card)).toContain('지표: 클릭률');
    expect(joined(card)).not.toContain('Click-through rate');
  });

  test("the claim's history names a metric, and feedback on it, in Korean", () => {
    const history = renderHistory(
      {
        claim: { id: ids.claim, number: 'CLM-2026-00042', name: 'X' },
        nextCursor: null,
        items: [
          {
            id: '2',
            type: 'feedback_given',
            summary: 'Feedback on metric',
            actorName: 'Patti Fernandez',
            actorKind: 'REVIEWER',
            data: { text: '출처를 알려 주세요.', documentKind: 'METRIC', documentName: 'Click-through rate' },
            statusBefore: null,
            statusAfter: null,
            at: '2026-12-01T10:00:00Z',
          },
          {
            id: '1',
            type: 'metric_added',
            summary: 'Metric Click-through rate: 2.7%',
            actorName: 'Alex Wilber',
            actorKind: 'USER',
            data: { name: 'Click-through rate', value: '2.7%' },
            statusBefore: null,
            statusAfter: null,
            at: '2026-12-01T09:00:00Z',
          },
        ],
      },
      'ko-KR',
    );
    expect(joined(history)).toContain('클릭률: 2.7%');
    expect(joined(history)).toContain('지표: 클릭률');
    expect(joined(history)).not.toContain('Click-through rate');
  });
});

describe('one button title, one meaning', () => {
  // In Korean, a document's "Accept" and the claim's "Approve" were both "승인" on the reviewer's card.
  test.each(['en-US', 'ko-KR'])('no sample card in %s has two buttons with the same title doing different things', (locale) => {
    for (const [name, card] of allCards(locale)) {
      const verbsByTitle = new Map<string, Set<string>>();
      for (const a of actions(card)) {
        if (!a.title) continue;
        const what = a.verb ?? a.type;
        verbsByTitle.set(a.title, (verbsByTitle.get(a.title) ?? new Set()).add(what));
      }
      const clashes = [...verbsByTitle].filter(([, v]) => v.size > 1).map(([title, v]) => `${title}: ${[...v].join(', ')}`);
      expect([name, clashes]).toEqual([name, []]);
    }
  });
});

describe('a card says its title once', () => {
  // The role form read "Give someone a role" then "Give a role" (in Korean "역할 부여" twice).
  test.each(['en-US', 'ko-KR'])('no sample card in %s repeats its title as another heading', (locale) => {
    for (const [name, card] of allCards(locale)) {
      const blocks: string[] = [];
      const walk = (n: unknown): void => {
        if (Array.isArray(n)) return n.forEach(walk);
        if (!n || typeof n !== 'object') return;
        const o = n as Record<string, unknown>;
        if (o.type === 'TextBlock' && typeof o.text === 'string') blocks.push(o.text);
        if (o.type === 'ActionSet' || String(o.type).startsWith('Action.')) return;
        Object.values(o).forEach(walk);
      };
      walk(card.body);
      const title = blocks[0];
      expect([name, blocks.filter((b) => b === title).length]).toEqual([name, 1]);
    }
  });
});
