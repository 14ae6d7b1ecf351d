import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** The text a PDF viewer reads from `pdf` (pdf.js), and its page count. */
export async function pdfText(pdf: Buffer): Promise<{ pages: number; text: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdftext-'));
  const file = path.join(dir, 'doc.pdf');
  fs.writeFileSync(file, pdf);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(__dirname, 'pdfTextCli.mjs'), file]);
    return JSON.parse(stdout) as { pages: number; text: string };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
