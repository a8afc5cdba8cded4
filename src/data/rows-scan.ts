/**
 * Reads the bytes of a page SQLite rendered as rows (gpkg-rows.ts: json_group_array(json_array(...)), cast to a
 * blob so that GDAL hands it over as a Buffer, not as a string it would decode from UTF-8) into typed columns,
 * without JSON.parse: no array per row, no string or heap number per cell until a feature asks for it. Each
 * column's kind is known from the SELECT, so each cell is read as what it is: an integer, a text, a real as
 * quote()'s text, or a geometry blob in hex (only where it lies is kept; gpkg-rows decodes it when the feature
 * is made). Anything
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

/**
 * A page's cells, kept in typed arrays rather than as JS values: numbers as doubles (NaN for NULL: SQLite has no
 * NaN and the scanner refuses non-finite reals), texts and hex cells as where they lie in the bytes. A page's
 * cells live while its features are written; as a few typed arrays they give the garbage collector nothing to
 * trace or promote (2,000 rows of values and strings outlived scavenges and grew the old generation by tens of
 * MB during a long download). value() makes a cell's JS value when asked.
 */
export class ScannedRows {
  constructor(
    readonly bytes: Buffer,
    readonly length: number,
    readonly kinds: readonly CellKind[],
    /** By column: Integer and Real cells (NaN for NULL). */
    readonly numbers: Array<Float64Array | null>,
    /** By column: where Text and Hex cells start in the bytes (after the quote). */
    readonly start: Array<Int32Array | null>,
    /** By column: where they end (the closing quote); a Hex cell's length is end - start (0 for NULL). */
    readonly end: Array<Int32Array | null>,
    /** By column: Text cells' forms (TEXT_NULL, TEXT_ASCII, TEXT_UTF8, TEXT_ESCAPED). */
    readonly forms: Array<Uint8Array | null>,
  ) {}

  /** Cell (column c, row r) as a JS value: a number, a string or null (a Hex cell: its digits, '' for NULL). */
  value(c: number, r: number): number | string | null {
    switch (this.kinds[c]) {
      case CellKind.Integer:
      case CellKind.Real: {
        const v = this.numbers[c]![r]!;
        return v === v ? v : null;
      }
      case CellKind.Text: {
        const start = this.start[c]![r]!, end = this.end[c]![r]!;
        switch (this.forms[c]![r]) {
          case TEXT_NULL: return null;
          case TEXT_ASCII: return this.bytes.latin1Slice(start, end);
          case TEXT_UTF8: return this.bytes.utf8Slice(start, end);
          default: return JSON.parse(this.bytes.utf8Slice(start - 1, end + 1)) as string;
        }
      }
      default:
        return this.bytes.latin1Slice(this.start[c]![r]!, this.end[c]![r]!);
    }
  }
}

const TEXT_NULL = 0, TEXT_ASCII = 1, TEXT_UTF8 = 2, TEXT_ESCAPED = 3;

declare module 'node:buffer' {
  interface Buffer {
    /** Node's own slices behind toString('latin1' | 'utf8', start, end), without its argument checks. */
    latin1Slice(start: number, end: number): string;
    utf8Slice(start: number, end: number): string;
  }
}

const QUOTE = 0x22, COMMA = 0x2c, OPEN = 0x5b, CLOSE = 0x5d, BACKSLASH = 0x5c, MINUS = 0x2d, DOT = 0x2e, N = 0x6e;
/** 10^k for the reals read digit by digit (k ≤ 15 decimals: quote() writes at most 15 significant digits so). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Digits a double holds exactly as an integer mantissa (< 2^53). */
const EXACT_DIGITS = 15;

/** Reads the rows of `bytes`, each with one cell per entry of `kinds`. */
export function scanRows(bytes: Buffer, kinds: readonly CellKind[]): ScannedRows {
  const end = bytes.length;
  const ncol = kinds.length;
  // Rows counted first (a row closes with "]"; texts may hold more: an upper bound).
  let capacity = 0;
  for (let i = bytes.indexOf(CLOSE); i >= 0; i = bytes.indexOf(CLOSE, i + 1)) capacity++;
  const numbers = kinds.map((k) => (k === CellKind.Integer || k === CellKind.Real ? new Float64Array(capacity) : null));
  const starts = kinds.map((k) => (k === CellKind.Text || k === CellKind.Hex ? new Int32Array(capacity) : null));
  const ends = kinds.map((k) => (k === CellKind.Text || k === CellKind.Hex ? new Int32Array(capacity) : null));
  const forms = kinds.map((k) => (k === CellKind.Text ? new Uint8Array(capacity) : null));
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
          if (b === N) {
            at = nullAt(bytes, at, fail);
            numbers[c]![rows] = NaN;
            continue;
          }
          const start = at;
          while (at < end && bytes[at] !== COMMA && bytes[at] !== CLOSE) at++;
          numbers[c]![rows] = numberAt(bytes, start, at, 'an integer');
        } else if (kind === CellKind.Text) {
          if (b === N) {
            at = nullAt(bytes, at, fail);
            forms[c]![rows] = TEXT_NULL;
            continue;
          }
          if (b !== QUOTE) fail('a text that is not a string');
          const start = ++at;
          let form = TEXT_ASCII;
          for (let x = bytes[at]; x !== QUOTE; x = bytes[at]) {
            if (at >= end) fail('an unterminated string');
            if (x === BACKSLASH) form = TEXT_ESCAPED, at += 2;
            else {
              if (x! >= 0x80 && form === TEXT_ASCII) form = TEXT_UTF8;
              at++;
            }
          }
          starts[c]![rows] = start;
          ends[c]![rows] = at;
          forms[c]![rows] = form;
          at++;
        } else {
          if (b !== QUOTE) fail(kind === CellKind.Real ? 'a real that is not quoted text' : 'a geometry that is not hex');
          const start = ++at;
          while (at < end && bytes[at] !== QUOTE) at++;
          if (at >= end) fail('an unterminated string');
          if (kind === CellKind.Hex) {
            starts[c]![rows] = start;
            ends[c]![rows] = at;
          } else numbers[c]![rows] = realAt(bytes, start, at) ?? NaN;
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
  return new ScannedRows(bytes, rows, kinds, numbers, starts, ends, forms);
}

/** The position after a "null" at `at`. */
function nullAt(bytes: Buffer, at: number, fail: (what: string) => never): number {
  if (bytes[at + 1] !== 0x75 || bytes[at + 2] !== 0x6c || bytes[at + 3] !== 0x6c) fail('not null');
  return at + 4;
}

/** quote()'s text of a real (bytes start..end) as a number, "NULL" as null (numberAt). */
export function realAt(bytes: Buffer, start: number, end: number): number | null {
  if (end - start === 4 && bytes.latin1Slice(start, end) === 'NULL') return null;
  return numberAt(bytes, start, end, 'a real');
}

/**
 * The number written at bytes start..end (a JSON integer, or quote()'s text of a real) as JSON.parse and Number()
 * read it: plain decimals of at most 15 digits are mantissa / 10^k, which is exact (both are exact doubles and one
 * division rounds once); the rest (more digits, exponents) go through Number(). No digit, a stray byte, an
 * infinity or NaN is a RowsScanError (GDAL writes non-finite reals otherwise).
 */
function numberAt(bytes: Buffer, start: number, end: number, what: string): number {
  let at = start;
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
  if (digits === 0) n = NaN;
  else if (at === end && digits <= EXACT_DIGITS) n = (negative ? -mantissa : mantissa) / (decimals > 0 ? POW10[decimals]! : 1);
  else n = Number(bytes.latin1Slice(start, end));
  if (!Number.isFinite(n)) throw new RowsScanError(`rows: ${what} that is not a finite number at byte ${start}`);
  return n;
}
