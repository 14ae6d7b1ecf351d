import { renderClaimDetail, type AdaptiveCard } from '../../cards';
import { editingClaim, ids, reviewerClaim } from './fixtures';
import { problems, texts } from './validate';

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
