import fs from 'node:fs';
import path from 'node:path';

/**
 * The one typeface of every PDF the product renders (the CSR, the export summary). Partners type
 * Korean names, descriptions and reasons, so text is set in Noto Sans KR, shipped in the npm package
 * @embedpdf/fonts-kr (OFL; Latin, Hangul and CJK): nothing to download or configure at install or
 * run time. pdfkit embeds only the glyphs a document uses, so a PDF stays a few tens of KB.
 */

/** Font names to pass to `doc.font(…)` once `useNotoSansKr(doc)` has run. */
export const BODY = 'body';
export const BOLD = 'bold';

const FONT_DIR = path.join(path.dirname(require.resolve('@embedpdf/fonts-kr')), '..', 'fonts');
let fonts: { regular: Buffer; bold: Buffer } | undefined;

/** Read once (about 9 MB); every PDF after the first reuses the bytes. */
function loadFonts() {
  fonts ??= {
    regular: fs.readFileSync(path.join(FONT_DIR, 'NotoSansKR-Regular.otf')),
    bold: fs.readFileSync(path.join(FONT_DIR, 'NotoSansKR-Bold.otf')),
  };
  return fonts;
}

/** Registers Noto Sans KR regular and bold on `doc` as BODY and BOLD, and selects BODY. */
export function useNotoSansKr(doc: PDFKit.PDFDocument): void {
  const { regular, bold } = loadFonts();
  doc.registerFont(BODY, regular);
  doc.registerFont(BOLD, bold);
  doc.font(BODY);
}
