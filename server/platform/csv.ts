/**
 * CSV as the county's spreadsheets read it, the one writer for every export: RFC 4180 quoting, CRLF lines,
 * a UTF-8 BOM (so Excel opens Chinese text correctly) and formula-injection guarding.
 */

/**
 * One cell. A text cell starting with = + - @ (or a tab or CR) would run as a formula in a spreadsheet, so it
 * is prefixed with ' and quoted; numbers stay numbers.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== String(value) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole CSV file: the header row, then the rows. */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  return `\ufeff${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
