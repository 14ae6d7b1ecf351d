import exportTemplate from './templates/exportReady.json';
import { backToClaim } from './form';
import { execute } from './actions';
import { formatMoment } from './format';
import { expand } from './render';
import { t } from './strings';
import type { AdaptiveCard, Moment, RenderOptions } from './types';

/**
 * 13. An export is ready: a download link (Action.OpenUrl to a signed, expiring URL) and a way back.
 * `claim`: one claim's ZIP (documents, history.csv, summary.pdf, manifest.sha256); `claims`: the
 * organisation's claims as one CSV.
 */
export type ExportReadyView =
  | { kind: 'claim'; claim: { id: string; number: string; name: string }; url: string; expiresAt: Moment }
  | { kind: 'claims'; organisationName: string; claimCount: number; url: string; expiresAt: Moment };

export function renderExportReady(vm: ExportReadyView, locale: string, opts: RenderOptions = {}): AdaptiveCard {
  const expires = t(locale, 'export.expires', { date: formatMoment(vm.expiresAt, locale, opts.timeZone) });
  if (vm.kind === 'claim') {
    return expand(exportTemplate, {
      title: t(locale, 'export.title', { number: vm.claim.number }),
      hasSubtitle: true,
      subtitle: vm.claim.name,
      text: t(locale, 'export.text'),
      expires,
      download: { title: t(locale, 'export.download'), url: vm.url },
      actions: [backToClaim(locale, vm.claim.id)],
    });
  }
  return expand(exportTemplate, {
    title: t(locale, 'export.claims.title', { organisation: vm.organisationName }),
    hasSubtitle: false,
    subtitle: '',
    text: t(locale, 'export.claims.text', { count: vm.claimCount }),
    expires,
    download: { title: t(locale, 'export.claims.download'), url: vm.url },
    actions: [execute(t(locale, 'common.overview'), 'overview.open', {})],
  });
}
