import { issueMessage, renderClaimDetail, renderClaimDocuments, renderHistory, renderNotification, type AdaptiveCard } from '../../cards';
import { editingClaim, ids, reviewerClaim } from './fixtures';
import { allCards, disputeDecisions, historyView, manyProofs } from './samples';
import { actions, findInput, problems, texts } from './validate';

/** Issue #11's walk-through, card by card: what a partner or reviewer was missing, now on the card. */
const joined = (c: AdaptiveCard) => texts(c).join('\n');

describe('a proof with a stored file and a web link', () => {
  test('shows both, each labelled: the file by its signed link, the web link as given', () => {
    const claim = reviewerClaim();
    claim.documents = claim.documents.map((d) => (d.id === ids.proof ? { ...d, fileUrl: 'https://bot.example/files/p/1/sig' } : d));
    const card = renderClaimDetail(claim, 'en-US');
    expect(problems(card)).toEqual([]);
    const text = joined(card);
    expect(text).toContain('File: [invitation.png](https://bot.example/files/p/1/sig)');
    expect(text).toContain('Web link: [https://contoso.example/webinar spring](https://contoso.example/webinar%20%28spring%29)');
    expect(joined(renderClaimDetail(claim, 'ko-KR'))).toContain('웹 링크: [https://contoso.example/webinar spring]');
  });

  test('a file without a signed link is named, not linked to something else', () => {
    const text = joined(renderClaimDetail(editingClaim(), 'en-US'));
    expect(text).toContain('File: invitation.png');
    expect(text).not.toContain('[invitation.png](https://contoso.example');
  });
});

describe('decisions and their reasons', () => {
  test('a disputed claim shows the rejection with its reason and the dispute with its argument, in both languages', () => {
    const card = renderClaimDetail({ ...reviewerClaim(), status: 'DISPUTED', decisions: disputeDecisions }, 'en-US');
    expect(problems(card)).toEqual([]);
    const text = joined(card);
    expect(text).toContain('Rejected by Patti Fernandez');
    expect(text).toContain('Reason: The seminar ran before the usage period started.');
    expect(text).toContain('Rejection disputed by Alex Wilber');
    expect(text).toContain('Argument: The seminar ran on 2 March');
    expect(joined(renderClaimDetail({ ...reviewerClaim(), status: 'DISPUTED', decisions: disputeDecisions }, 'ko-KR'))).toContain(
      '이의 내용: The seminar ran on 2 March',
    );
  });

  test('a request for information is shown once, as the decision, not again as feedback', () => {
    const message = 'Please add the attendee list.';
    const claim = editingClaim({
      status: 'ACTION_REQUIRED',
      feedback: [
        {
          id: ids.feedback,
          text: message,
          reviewerName: 'Patti Fernandez',
          documentId: null,
          resolved: false,
          createdAt: '2026-04-03T09:00:00Z',
        },
      ],
      decisions: [
        { kind: 'information_requested', byName: 'Patti Fernandez', at: '2026-04-03T09:00:00Z', reason: message, feedbackId: ids.feedback },
      ],
    });
    const text = joined(renderClaimDetail(claim, 'en-US'));
    expect(text).toContain(`Request: ${message}`);
    expect(text.split(message)).toHaveLength(2);
  });

  test('a partial approval says how much of what was claimed, and why', () => {
    const claim = editingClaim({
      status: 'APPROVED',
      approvedMinor: 600000,
      decisions: [
        {
          kind: 'approved',
          byName: 'Patti Fernandez',
          at: '2026-04-03T09:00:00Z',
          reason: 'One night only.',
          amountMinor: 600000,
          claimedMinor: 1250050,
        },
      ],
    });
    const text = joined(renderClaimDetail(claim, 'en-US'));
    expect(text).toContain('Approved $6,000.00 of $12,500.50 by Patti Fernandez');
    expect(text).toContain('Why less was approved: One night only.');
  });

  test('the approve form asks for the reason of a cut; the dispute form shows the rejection it answers', () => {
    const [, approve] = allCards('en-US').find(([n]) => n === 'approve')!;
    expect(findInput(approve, 'reason')).toMatchObject({ type: 'Input.Text', isMultiline: true });
    expect(joined(approve)).toContain('Required when you approve less than $12,500.50');
    const [, dispute] = allCards('en-US').find(([n]) => n === 'dispute')!;
    expect(joined(dispute)).toContain('Reason: The seminar ran before the usage period started.');
  });
});

describe('plain words', () => {
  test('history names the document of feedback and the colleague of a request, in the reader’s language', () => {
    const en = joined(renderHistory(historyView, 'en-US'));
    expect(en).toContain('On: Proof of execution: invitation.png');
    expect(en).toContain('Asked Isaiah Langer for the metric, due Apr 5, 2026');
    const ko = joined(renderHistory(historyView, 'ko-KR'));
    expect(ko).toContain('대상: 실행 증빙: invitation.png');
    expect(ko).toContain('Isaiah Langer님에게 지표 요청');
  });

  test('an amount above its limit says the limit in money', () => {
    const issue = { path: 'amount', code: 'too_big', params: { maximum: 100000, currency: 'USD', limit: 'claimed' } };
    expect(issueMessage('en-US', issue)).toBe('You can approve at most the amount claimed, $1,000.00.');
    expect(issueMessage('ko-KR', issue)).toContain('US$1,000.00');
    expect(issueMessage('en-US', { ...issue, params: { maximum: 5000, currency: 'USD' } })).toBe('Must be at most $50.00.');
  });

  test('Accept and Needs fix say which document they act on', () => {
    const card = renderClaimDetail(reviewerClaim(), 'en-US');
    const json = JSON.stringify(card);
    expect(json).toContain('"tooltip":"Accept Fabrikam Events · INV-1042 · Mar 25, 2026 · $8,000.00"');
    expect(json).toContain('"tooltip":"Mark Invitation email showing Contoso branding and Microsoft Cop… as needing a fix"');
  });
});

describe('colleagues', () => {
  test("a colleague's describe form shows the request apart and asks for their own note", () => {
    const [, card] = allCards('en-US').find(([n]) => n === 'addDocument PROOF (colleague answering a request)')!;
    const text = joined(card);
    expect(text).toContain('Alex Wilber asked you:');
    expect(text).toContain('Photos of the booth, please');
    expect(findInput(card, 'details')).toMatchObject({ isRequired: true });
    expect(findInput(card, 'details')?.value).toBeUndefined();
    const [, info] = allCards('en-US').find(([n]) => n === 'addDocument ADDITIONAL_INFO (colleague answering a request)')!;
    expect(findInput(info, 'details')).toBeDefined();
    expect(joined(info)).toContain('Next I ask you to send the file here in this chat.');
  });

  test('notifications speak to their reader: a colleague is never told to resubmit', () => {
    const base = { claimId: ids.claim, number: 'CLM-2026-00042', name: 'Spring cloud webinar series' };
    const n = { ...base, kind: 'status_changed' as const, from: 'IN_REVIEW', to: 'ACTION_REQUIRED', byName: 'Patti Fernandez' };
    expect(joined(renderNotification({ ...n, audience: 'partner' }, 'en-US'))).toContain('Update the claim and resubmit.');
    const colleague = joined(renderNotification({ ...n, audience: 'colleague' }, 'en-US'));
    expect(colleague).not.toMatch(/resubmit/i);
    expect(colleague).toContain('asked the claim owner for more information');
    expect(joined(renderNotification({ ...n, to: 'REJECTED', audience: 'colleague' }, 'ko-KR'))).not.toContain('이의를 제기할 수');
    expect(joined(renderNotification({ ...n, to: 'REJECTED', audience: 'partner' }, 'ko-KR'))).toContain('이의를 제기할 수');
  });
});

describe('claims with many documents', () => {
  test('the claim card shows the newest of each kind and a button to all of them', () => {
    const claim = { ...reviewerClaim(), documents: manyProofs(41) };
    const card = renderClaimDetail(claim, 'en-US');
    expect(problems(card)).toEqual([]);
    expect(joined(card)).toMatch(/The latest [1-5] of 41/);
    const all = actions(card).find((a) => a.verb === 'claim.documents')!;
    expect(all).toMatchObject({ title: 'Show all 41', data: { claimId: ids.claim, kind: 'PROOF' } });
  });

  test('the documents card pages through all of them, oldest first, each with its buttons carrying the page', () => {
    const [, card] = allCards('en-US').find(([n]) => n === 'claimDocuments (reviewer, page 2 of 3)')!;
    const text = joined(card);
    expect(text).toContain('Proof of execution (25)');
    expect(text).toContain('11–20 of 25, oldest first · page 2 of 3');
    expect(text).toContain('photo-11.jpg');
    expect(text).not.toContain('photo-21.jpg');
    expect(text).toContain('Document accepted.');
    const accepts = actions(card).filter((a) => a.verb === 'review.doc' && a.data?.decision === 'ACCEPT');
    expect(accepts).toHaveLength(10);
    expect(accepts[0]!.data).toMatchObject({ kind: 'PROOF', page: 2, version: 7 });
    const paging = actions(card).filter((a) => a.verb === 'claim.documents');
    expect(paging.map((a) => [a.title, a.data?.page])).toEqual([
      ['Previous page', 1],
      ['Next page', 3],
    ]);
    // A page past the end shows the last one.
    const last = renderClaimDocuments(
      {
        claim: { id: ids.claim, number: 'CLM-2026-00042', name: 'x', version: 7 },
        kind: 'PROOF',
        documents: manyProofs(25),
        page: 9,
        allowedActions: [],
        idempotencyKey: 'k',
      },
      'en-US',
    );
    expect(joined(last)).toContain('21–25 of 25');
  });
});

describe('funds at a glance', () => {
  const [, card] = allCards('en-US').find(([n]) => n === 'overview (admin, filtered)')!;
  const charts = (c: AdaptiveCard) => {
    const out: Array<Record<string, unknown>> = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (typeof o.type === 'string' && o.type.startsWith('Chart.')) out.push(o);
        Object.values(o).forEach(walk);
      }
    };
    walk(c);
    return out;
  };

  test('each fund is a stacked bar and each currency total a gauge, each falling back to the same figures as text', () => {
    expect(problems(card)).toEqual([]);
    const found = charts(card);
    expect(found.map((c) => c.type)).toEqual(['Chart.HorizontalBar.Stacked', 'Chart.HorizontalBar.Stacked', 'Chart.Gauge']);
    const [open, closed, gauge] = found;
    expect(JSON.stringify(open!.data)).toContain('"legend":"Remaining $25,000.00"');
    expect(JSON.stringify(closed!.data)).toContain('"legend":"Expired unclaimed $32,000.00"');
    expect(texts(closed!.fallback as AdaptiveCard)).toEqual(expect.arrayContaining(['Expired unclaimed', '$32,000.00']));
    expect(gauge).toMatchObject({ min: 0, value: 23000, valueFormat: 'Percentage' });
    expect(texts(gauge!.fallback as AdaptiveCard)).toEqual(expect.arrayContaining(['Remaining', '$25,000.00']));
    expect(joined(card)).toContain('Expired unclaimed in periods already closed for claims: $32,000.00 (not part of what remains).');
  });

  test('an admin reads the organisation’s claims with owners and the filter applied', () => {
    const text = joined(card);
    expect(text).toContain('Claims in your organisation');
    expect(text).toContain('Submitted (12)');
    expect(text).toContain('CLM-2026-00042 · Spring cloud webinar series · $12,500.50 · Alex Wilber');
    expect(text).toContain('…and 11 more');
    expect(text).toContain('Showing: Alex Wilber');
    expect(findInput(card, 'ownerId')).toMatchObject({ value: 'a1b2c3d4-0000-4000-8000-000000000003' });
  });

  test.each([
    ['a chart property Teams does not document', { values: [] }],
    ['a colour outside the chart palette', { data: [{ title: 'x', data: [{ legend: 'a', value: 1, color: 'blue' }] }] }],
    ['a chart without its text fallback', { fallback: undefined }],
    ['a fallback that is not an element', { fallback: { type: 'Chart.Unknown' } }],
  ])('the validator rejects %s', (_name, change) => {
    const broken = JSON.parse(JSON.stringify(card)) as AdaptiveCard;
    const chart = charts(broken)[0]!;
    Object.assign(chart, change);
    if ('fallback' in change && change.fallback === undefined) delete chart.fallback;
    expect(problems(broken).length).toBeGreaterThan(0);
  });

  test('the validator rejects a gauge value format other than percentage or fraction', () => {
    const broken = JSON.parse(JSON.stringify(card)) as AdaptiveCard;
    Object.assign(
      charts(broken).find((c) => c.type === 'Chart.Gauge')!,
      { valueFormat: 'Decimal' },
    );
    expect(problems(broken).join('\n')).toMatch(/valueFormat|allowed values/);
  });
});

describe('history names reasons as the claim card does', () => {
  test("a dispute's argument is an argument, a partial approval's reason says why less was approved", () => {
    const item = (type: string, reason: string, id: string) => ({
      id,
      type,
      summary: type,
      actorName: 'Patti Fernandez',
      actorKind: 'REVIEWER' as const,
      data: { reason, ...(type === 'approved' ? { amountMinor: 200000, currency: 'USD' } : {}) },
      statusBefore: null,
      statusAfter: null,
      at: '2026-12-01T10:00:00Z',
    });
    const view = {
      claim: historyView.claim,
      nextCursor: null,
      items: [
        item('approved', 'Only two days had Microsoft content.', '3'),
        item('disputed', 'Photo 1 shows the booth.', '2'),
        item('rejected', 'The photos do not show the booth.', '1'),
      ],
    };
    const en = joined(renderHistory(view, 'en-US'));
    expect(en).toContain('Why less was approved: Only two days had Microsoft content.');
    expect(en).toContain('Argument: Photo 1 shows the booth.');
    expect(en).toContain('Reason: The photos do not show the booth.');
    expect(joined(renderHistory(view, 'ko-KR'))).toContain('이의 내용: Photo 1 shows the booth.');
  });
});
