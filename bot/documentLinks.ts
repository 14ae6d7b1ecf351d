import crypto from 'node:crypto';
import type { Config } from '../services/config';

/**
 * Links that open a stored document from a card without a Teams sign-in: the document id and an
 * expiry, signed with HMAC-SHA256. Anyone holding the link can open it until it expires, as with a
 * SharePoint sharing link; the card is only shown to people on the claim.
 */
const sign = (secret: string, documentId: string, expires: number) =>
  crypto.createHmac('sha256', secret).update(`${documentId}.${expires}`).digest('base64url');

/** Where links point, how long they live and the key that signs them (never a constant: see bot/app.ts). */
export type LinkSettings = Pick<Config['files'], 'publicBaseUrl' | 'linkDays'> & { linkSecret: string };

export function documentLink(files: LinkSettings, documentId: string, now: Date): string {
  const expires = Math.floor(now.getTime() / 1000) + files.linkDays * 86_400;
  return `${files.publicBaseUrl}/files/${documentId}/${expires}/${sign(files.linkSecret, documentId, expires)}`;
}

/** True when the signature matches and the link has not expired. Constant-time comparison. */
export function verifyDocumentLink(files: LinkSettings, documentId: string, expires: string, signature: string, now: Date): boolean {
  const exp = Number(expires);
  if (!Number.isInteger(exp) || exp * 1000 < now.getTime()) return false;
  const expected = Buffer.from(sign(files.linkSecret, documentId, exp));
  const given = Buffer.from(signature);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

/**
 * The funds CSV template of one organisation (its PartnerIDs and current funds), signed the same
 * way under its own prefix, so a document link can never open a template or the other way round.
 */
const TEMPLATE_PREFIX = 'funds-template:';

export function fundsTemplateLink(files: LinkSettings, organisationId: string, now: Date): string {
  const expires = Math.floor(now.getTime() / 1000) + files.linkDays * 86_400;
  return `${files.publicBaseUrl}/templates/funds/${organisationId}/${expires}/${sign(files.linkSecret, TEMPLATE_PREFIX + organisationId, expires)}`;
}

export function verifyFundsTemplateLink(
  files: LinkSettings,
  organisationId: string,
  expires: string,
  signature: string,
  now: Date,
): boolean {
  return verifyDocumentLink(files, TEMPLATE_PREFIX + organisationId, expires, signature, now);
}
