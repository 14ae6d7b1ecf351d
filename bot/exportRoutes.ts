import type { Readable } from 'node:stream';
import type { Response, Server } from 'restify';
import { isServiceError } from '../services/errors';
import { openClaimArchive, openOrganisationClaimsCsv } from '../services/exports';
import { log } from '../services/log';
import { checkExportLink, type ExportKind } from './exportLinks';
import type { BotDeps } from './turn';

const exportLog = log.child({ mod: 'exports' });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const CONTENT_TYPE: Record<ExportKind, string> = { claim: 'application/zip', claims: 'text/csv; charset=utf-8' };

/**
 * GET /exports/claim/:claimId/… (a claim's ZIP) and /exports/claims/:organisationId/… (the
 * organisation's claims as CSV), from a signed link (bot/exportLinks.ts). A link that was not
 * signed by us is answered 404, an expired one or one whose person may no longer export 403. The
 * body is streamed as it is produced (chunked, no Content-Length): a claim with large files is never
 * held in memory whole. A failure midway aborts the connection so the download shows as failed.
 */
export function registerExportRoutes(server: Server, deps: Pick<BotDeps, 'svc' | 'config' | 'files'>): void {
  const refuse = (res: Response, status: number, error: string) => {
    res.send(status, { error });
  };
  server.get('/exports/:kind/:subjectId/:userId/:expires/:signature', async (req, res) => {
    const p = req.params as Record<string, string | undefined>;
    const kind = p.kind === 'claim' || p.kind === 'claims' ? p.kind : null;
    const subjectId = p.subjectId ?? '';
    const userId = p.userId ?? '';
    if (!kind || !UUID.test(subjectId) || !UUID.test(userId)) return refuse(res, 404, 'This link is not valid.');
    const check = checkExportLink(deps.config.files, kind, subjectId, userId, p.expires ?? '', p.signature ?? '', deps.svc.clock.now());
    if (check === 'invalid') return refuse(res, 404, 'This link is not valid. Export again from the claim card in Teams.');
    if (check === 'expired') return refuse(res, 403, 'This link has expired. Export again from the claim card in Teams.');
    if (kind === 'claims') {
      // The organisation in the link must still be the person's own.
      const user = await deps.svc.db.user.findUnique({ where: { id: userId }, select: { organisationId: true } });
      if (user?.organisationId !== subjectId) return refuse(res, 403, 'You can no longer export this. Ask an admin of your organisation.');
    }
    let out: { fileName: string; stream: Readable };
    try {
      out =
        kind === 'claim'
          ? await openClaimArchive(deps.svc, deps.files, { userId }, subjectId)
          : await openOrganisationClaimsCsv(deps.svc, { userId });
    } catch (e) {
      if (isServiceError(e) && (e.kind === 'forbidden' || e.kind === 'not_found'))
        return refuse(res, e.kind === 'forbidden' ? 403 : 404, 'You can no longer export this. Ask an admin of your organisation.');
      exportLog.error({ err: e, kind }, 'export could not start');
      return refuse(res, 500, 'The export could not be prepared. Try again later.');
    }
    const safeName = out.fileName.replace(/["\\\r\n]/g, '_');
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPE[kind],
      'Content-Disposition': `attachment; filename="${safeName}"`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
    });
    out.stream.on('error', () => res.destroy());
    res.on('close', () => out.stream.destroy());
    out.stream.pipe(res);
  });
}
