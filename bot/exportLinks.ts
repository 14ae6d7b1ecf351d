import crypto from 'node:crypto';
import type { BotConfig } from './turn';

/**
 * Download links for exports, signed like document links (bot/documentLinks.ts: HMAC-SHA256 with
 * FILE_LINK_SECRET, constant-time check) but bound to the person who asked: the download runs as
 * that person and is authorised again when it is opened, so a link outliving a role change opens
 * nothing. The purpose is part of what is signed, so no other signature (a document link's) fits.
 */
export type ExportKind = 'claim' | 'claims';

const sign = (secret: string, kind: ExportKind, subjectId: string, userId: string, expires: number) =>
  crypto.createHmac('sha256', secret).update(`export-${kind}.${subjectId}.${userId}.${expires}`).digest('base64url');

export function exportLink(files: BotConfig['files'], kind: ExportKind, subjectId: string, userId: string, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  const sig = sign(files.linkSecret, kind, subjectId, userId, expires);
  return `${files.publicBaseUrl}/exports/${kind}/${subjectId}/${userId}/${expires}/${sig}`;
}

export type ExportLinkCheck = 'ok' | 'invalid' | 'expired';

/** `invalid` for a signature that does not match (forged, altered); `expired` for a genuine link past its time. */
export function checkExportLink(
  files: BotConfig['files'],
  kind: ExportKind,
  subjectId: string,
  userId: string,
  expires: string,
  signature: string,
  now: Date,
): ExportLinkCheck {
  const exp = Number(expires);
  if (!/^\d{1,12}$/.test(expires) || !Number.isSafeInteger(exp)) return 'invalid';
  const expected = Buffer.from(sign(files.linkSecret, kind, subjectId, userId, exp));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return 'invalid';
  return exp * 1000 < now.getTime() ? 'expired' : 'ok';
}
