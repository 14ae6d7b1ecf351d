/**
 * Text commands, case-insensitive, with Korean aliases. Anything else is `help`.
 * A claim is named by its number, e.g. "claim CLM-2026-00042".
 */
export type TextCommand =
  | { name: 'help' }
  | { name: 'newClaim' }
  | { name: 'overview' }
  | { name: 'claim'; number: string }
  | { name: 'history'; number: string }
  | { name: 'reviews' }
  | { name: 'outbox' }
  | { name: 'admin' }
  | { name: 'exportClaims' }
  | { name: 'cancelUpload' };

const ALIASES: Array<[RegExp, (m: RegExpMatchArray) => TextCommand]> = [
  [/^(help|도움말|\?)$/i, () => ({ name: 'help' })],
  [/^(new claim|new|새 청구|새청구)$/i, () => ({ name: 'newClaim' })],
  // "claim" and "history" without a number (as picked from Teams' command menu): the claims to pick from.
  [/^(claims|overview|청구|청구 목록|개요|claim|history|기록|청구 열기)$/i, () => ({ name: 'overview' })],
  [/^(export claims|export|내보내기|청구 내보내기)$/i, () => ({ name: 'exportClaims' })],
  // "청구 열기" is the Korean command menu's title for "claim" (manifest/ko-kr.json).
  [/^(?:claim|청구 열기|청구)\s+(\S+)$/i, (m) => ({ name: 'claim', number: m[1]! })],
  [/^(?:history|기록)\s+(\S+)$/i, (m) => ({ name: 'history', number: m[1]! })],
  [/^(reviews|review queue|검토)$/i, () => ({ name: 'reviews' })],
  [/^(outbox|알림함)$/i, () => ({ name: 'outbox' })],
  [/^(admin|administration|settings|관리|설정)$/i, () => ({ name: 'admin' })],
  [/^(cancel upload|업로드 취소)$/i, () => ({ name: 'cancelUpload' })],
];

export function parseCommand(text: string | undefined): TextCommand {
  // Teams prefixes channel messages with an <at>mention</at> of the bot.
  const clean = (text ?? '')
    .replace(/<at>[^<]*<\/at>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  for (const [re, make] of ALIASES) {
    const m = clean.match(re);
    if (m) return make(m);
  }
  return { name: 'help' };
}
