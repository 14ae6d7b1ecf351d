import { stringify, type Options } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';

/**
 * CSV the way spreadsheets open it safely: RFC 4180 quoting by csv-stringify, a UTF-8 byte order
 * mark (Excel then reads Korean and accents right), CRLF line ends, and every text cell that a
 * spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) prefixed
 * with an apostrophe (OWASP "CSV injection"). Cells come from users: a claim named "=HYPERLINK(…)"
 * must stay text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export const neutraliseFormula = (value: string): string => (FORMULA_START.test(value) ? `'${value}` : value);

const OPTIONS: Options = {
  bom: true,
  record_delimiter: 'windows',
  cast: {
    string: neutraliseFormula,
    date: (d) => d.toISOString(),
    boolean: (b) => (b ? 'yes' : 'no'),
  },
};

export type CsvValue = string | number | boolean | Date | null | undefined;

/** A whole (small) CSV document: header and rows. */
export function csvDocument(header: string[], rows: CsvValue[][]): Buffer {
  return Buffer.from(stringifySync([header, ...rows], OPTIONS), 'utf8');
}

/** A streaming CSV writer: write rows into it, read the document from it (backpressure respected by pipe). */
export function csvStream(header: string[]) {
  const s = stringify(OPTIONS);
  s.write(header);
  return s;
}
