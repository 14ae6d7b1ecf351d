// Prints the text of a PDF, page by page, with Mozilla's pdf.js (the same reading a viewer does).
// An ES module run as its own process: pdf.js ships only as ESM and jest runs CommonJS.
import fs from 'node:fs';

// pdf.js expects Promise.withResolvers (Node 22+); Node 20 lacks it.
Promise.withResolvers ??= () => {
  let resolve, reject;
  const promise = new Promise((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
};
const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');

const data = new Uint8Array(fs.readFileSync(process.argv[2]));
const doc = await getDocument({ data, disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
const pages = [];
for (let i = 1; i <= doc.numPages; i++) {
  const content = await (await doc.getPage(i)).getTextContent();
  pages.push(content.items.map((x) => ('str' in x ? x.str : '')).join(' '));
}
process.stdout.write(JSON.stringify({ pages: doc.numPages, text: pages.join('\n') }));
