/**
 * Reads the bytes of a page SQLite rendered as rows (gpkg-rows.ts: json_group_array(json_array(...)), cast to a
 * blob so that GDAL hands it over as a Buffer, not as a string it would decode from UTF-8) straight into column
 * values, without JSON.parse: no array per row, no string per number or geometry. Each column's kind is known
 * from the SELECT, so each cell is read as what it is: an integer, a text, a real as quote()'s text, or a
 * geometry blob in hex (only where it lies is kept; gpkg-rows decodes it when the feature is made). Anything
 * else than what SQLite writes for those (a number where text was expected, a stray byte) is RowsScanError.
 */

/** What a page column holds; see rowsSql in gpkg-rows.ts. */
export const enum CellKind {
  /** A JSON integer or null (the FID and integer fields). */
  Integer,
  /** A JSON string or null. */
  Text,
  /** quote()'s text of a real ("1778.8", "1.0e+20", "NULL") in a JSON string: a number, or null. */
  Real,
  /** A JSON string of hex digits ('' for NULL): kept as where it lies. */
  Hex,
}

export class RowsScanError extends Error {}

/** A page's columns: values for Integer / Text / Real columns, the hex cells' offsets for Hex columns. */
export interface ScannedRows {
  readonly length: number;
  /** By column: the values (Integer, Text, Real) or null (Hex). */
  readonly values: Array<Array<number | string | null> | null>;
  /** By column: where each hex cell's digits start in the bytes (Hex), else null. */
  readonly hexStart: Array<Int32Array | null>;
  /** By column: how many hex digits each cell has (0 for NULL), else null. */
  readonly hexLength: Array<Int32Array | null>;
}

const QUOTE = 0x22, COMMA = 0x2c, OPEN = 0x5b, CLOSE = 0x5d, BACKSLASH = 0x5c, MINUS = 0x2d, DOT = 0x2e, N = 0x6e, NULL_UPPER = 0x4e;
/** 10^k for the reals read digit by digit (k ≤ 15 decimals: quote() writes at most 15 significant digits so). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Digits a double holds exactly as an integer mantissa (< 2^53). */
const EXACT_DIGITS = 15;

/** Reads the rows of `bytes`, each with one cell per entry of `kinds`. */
export function scanRows(bytes: Buffer, kinds: readonly CellKind[]): ScannedRows {
  const end = bytes.length;
  const ncol = kinds.length;
  // Rows counted first (a row closes with "]," or the final "]]"; neither occurs inside a cell of these kinds
  // except in texts, so this is an upper bound that the scan then makes exact).
  let capacity = 0;
  for (let i = bytes.indexOf(CLOSE); i >= 0; i = bytes.indexOf(CLOSE, i + 1)) capacity++;
  const values: Array<Array<number | string | null> | null> = kinds.map((k) => (k === CellKind.Hex ? null : []));
  const hexStart = kinds.map((k) => (k === CellKind.Hex ? new Int32Array(capacity) : null));
  const hexLength = kinds.map((k) => (k === CellKind.Hex ? new Int32Array(capacity) : null));
  let at = 0;
  const fail = (what: string): never => {
    throw new RowsScanError(`rows: ${what} at byte ${at}`);
  };
  if (bytes[at++] !== OPEN) fail('no opening bracket');
  let rows = 0;
  if (bytes[at] === CLOSE) at++;
  else {
    for (;;) {
      if (bytes[at++] !== OPEN) fail('a row that does not open');
      for (let c = 0; c < ncol; c++) {
        if (c > 0 && bytes[at++] !== COMMA) fail('cells not separated');
        const kind = kinds[c]!;
        const b = bytes[at];
        if (kind === CellKind.Integer) {
          if (b === N) at = nullAt(bytes, at, fail), values[c]!.push(null);
          else {
            const start = at;
            let negative = false;
            if (b === MINUS) negative = true, at++;
            const digits = at;
            let n = 0;
            for (let d = bytes[at]! - 48; d >= 0 && d <= 9 && at < end; d = bytes[++at]! - 48) n = n * 10 + d;
            if (at === digits) fail('an integer without digits');
            // Past 15 digits (or a number SQLite wrote otherwise) as JSON.parse would read it: the nearest double.
            const c2 = bytes[at];
            if (at - digits > EXACT_DIGITS || c2 === DOT || c2 === 0x65 || c2 === 0x45) {
              while (at < end && bytes[at] !== COMMA && bytes[at] !== CLOSE) at++;
              n = Math.abs(Number(bytes.toString('latin1', start, at)));
              if (!Number.isFinite(n)) fail('not a number');
            }
            values[c]!.push(negative ? -n : n);
          }
        } else if (kind === CellKind.Text) {
          if (b === N) at = nullAt(bytes, at, fail), values[c]!.push(null);
          else {
            if (b !== QUOTE) fail('a text that is not a string');
            const start = ++at;
            let escaped = false, ascii = true;
            for (let x = bytes[at]; x !== QUOTE; x = bytes[at]) {
              if (at >= end) fail('an unterminated string');
              if (x === BACKSLASH) escaped = true, at += 2;
              else {
                if (x! >= 0x80) ascii = false;
                at++;
              }
            }
            const text = escaped ? (JSON.parse(bytes.toString('utf8', start - 1, at + 1)) as string) : ascii ? bytes.toString('latin1', start, at) : bytes.toString('utf8', start, at);
            values[c]!.push(text);
            at++;
          }
        } else {
          if (b !== QUOTE) fail(kind === CellKind.Real ? 'a real that is not quoted text' : 'a geometry that is not hex');
          const start = ++at;
          while (at < end && bytes[at] !== QUOTE) at++;
          if (at >= end) fail('an unterminated string');
          if (kind === CellKind.Hex) {
            hexStart[c]![rows] = start;
            hexLength[c]![rows] = at - start;
          } else values[c]!.push(realAt(bytes, start, at));
          at++;
        }
      }
      if (bytes[at++] !== CLOSE) fail('a row with too many cells');
      rows++;
      const next = bytes[at++];
      if (next === CLOSE) break;
      if (next !== COMMA) fail('rows not separated');
    }
  }
  if (at !== end) fail('bytes after the rows');
  return { length: rows, values, hexStart, hexLength };
}

/** The position after a "null" at `at`. */
function nullAt(bytes: Buffer, at: number, fail: (what: string) => never): number {
  if (bytes[at + 1] !== 0x75 || bytes[at + 2] !== 0x6c || bytes[at + 3] !== 0x6c) fail('not null');
  return at + 4;
}

/**
 * quote()'s text of a real (bytes start..end) as a number: "NULL" is null; plain decimals of at most 15 digits
 * are mantissa / 10^k, which is exact (both are exact doubles and one division rounds once), the rest as Number()
 * reads them. An infinity or NaN is a RowsScanError (GDAL writes those otherwise).
 */
export function realAt(bytes: Buffer, start: number, end: number): number | null {
  let at = start;
  if (bytes[at] === NULL_UPPER && end - start === 4) return null;
  const negative = bytes[at] === MINUS;
  if (negative) at++;
  let mantissa = 0, digits = 0, decimals = -1;
  for (; at < end; at++) {
    const x = bytes[at]!;
    if (x === DOT && decimals < 0) {
      decimals = 0;
      continue;
    }
    const d = x - 48;
    if (d < 0 || d > 9) break;
    mantissa = mantissa * 10 + d;
    digits++;
    if (decimals >= 0) decimals++;
  }
  let n: number;
  if (at === end && digits > 0 && digits <= EXACT_DIGITS) n = decimals > 0 ? mantissa / POW10[decimals]! : mantissa;
  else n = Math.abs(Number(bytes.toString('latin1', negative ? start + 1 : start, end)));
  if (!Number.isFinite(n)) throw new RowsScanError('a real that is not a finite number');
  return negative ? -n : n;
}
