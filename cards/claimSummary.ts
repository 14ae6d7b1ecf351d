import { formatMoney, statusTone } from './format';
import { renderNotice } from './notice';
import { t } from './strings';
import type { AdaptiveCard, ClaimStatus } from './types';

/** A claim as someone who is not on it sees it (a shared card in a group chat): status only, no actions. */
export type ClaimSummaryView = {
  number: string;
  name: string;
  status: ClaimStatus;
  amountMinor: number;
  currency: string;
  programName: string;
  ownerName: string;
};

export function renderClaimSummary(vm: ClaimSummaryView, locale: string): AdaptiveCard {
  return renderNotice({
    title: t(locale, 'common.claimRef', { number: vm.number, name: vm.name }),
    badge: { text: t(locale, `status.${vm.status}`), tone: statusTone(vm.status) },
    facts: [
      { title: t(locale, 'detail.facts.program'), value: vm.programName },
      { title: t(locale, 'detail.facts.amount'), value: formatMoney(vm.amountMinor, vm.currency, locale) },
      { title: t(locale, 'summary.owner'), value: vm.ownerName },
    ],
    lines: [{ text: t(locale, 'summary.readOnly'), subtle: true }],
  });
}
