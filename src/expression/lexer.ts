import { ExpressionError } from './errors.js';

/** Longest expression text accepted (UTF-16 code units). */
export const MAX_EXPRESSION_LENGTH = 64 * 1024;

/** Token categories produced by {@link tokenize}. */
export type TokenType = 'number' | 'string' | 'ident' | 'qident' | 'keyword' | 'op' | 'eof';

/** One lexical token with its source span. */
export interface Token {
  type: TokenType;
  /** Keyword (upper case), operator, identifier or decoded string/quoted-identifier text. */
  value: string;
  /** Start offset in the source text. */
  pos: number;
  /** End offset (exclusive). */
  end: number;
  /** Numeric value of a number token. */
  num?: number;
  /** True when a number token was written as an integer that is exactly representable. */
  integer?: boolean;
}

const KEYWORDS = new Set([
  'AND', 'OR', 'NOT', 'IS', 'LIKE', 'ILIKE', 'IN', 'BETWEEN', 'NULL', 'TRUE', 'FALSE',
  'CASE', 'WHEN', 'THEN', 'ELSE', 'END',
]);

const OPERATORS = ['<>', '!=', '<=', '>=', '||', '//', '=', '<', '>', '~', '+', '-', '*', '/', '%', '^', '(', ')', ','];

const NUMBER = /(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const SPACE = /\s/;

function isIdentChar(ch: string, first: boolean): boolean {
  if ((first ? IDENT_START : IDENT_PART).test(ch)) return true;
  return ch.charCodeAt(0) >= 0x80 && !SPACE.test(ch);
}

/** A short, quoted rendering of a token for error messages. */
export function describeToken(token: Token, text: string): string {
  if (token.type === 'eof') return 'end of expression';
  const raw = text.slice(token.pos, token.end);
  return `'${raw.length > 24 ? `${raw.slice(0, 24)}…` : raw}'`;
}

function syntax(detail: string, pos: number): ExpressionError {
  return new ExpressionError(detail, pos, 'syntax');
}

/** Reads a single-quoted string starting at `start`; returns the decoded text and the end offset. */
function readString(text: string, start: number): { value: string; end: number } {
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "'") {
      if (text[i + 1] === "'") { out += "'"; i += 2; continue; }
      return { value: out, end: i + 1 };
    }
    if (ch === '\\' && i + 1 < text.length) {
      const next = text[i + 1];
      if (next === 'n') out += '\n';
      else if (next === 't') out += '\t';
      else if (next === '\\' || next === "'") out += next;
      else out += `\\${next}`; // unknown escapes keep their backslash (LIKE uses \% and \_)
      i += 2;
      continue;
    }
    out += ch;
    i += 1;
  }
  throw syntax('unterminated string literal', start);
}

/** Reads a double-quoted field name starting at `start` ("" stands for one "). */
function readQuoted(text: string, start: number): { value: string; end: number } {
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      if (text[i + 1] === '"') { out += '"'; i += 2; continue; }
      if (out === '') throw syntax('empty field name ""', start);
      return { value: out, end: i + 1 };
    }
    out += ch;
    i += 1;
  }
  throw syntax('unterminated quoted field name', start);
}

function readNumber(text: string, start: number): Token {
  NUMBER.lastIndex = start;
  const m = NUMBER.exec(text);
  if (!m) throw syntax('invalid number', start);
  const raw = m[0];
  const num = Number(raw);
  if (!Number.isFinite(num)) throw syntax(`number '${raw}' is out of range`, start);
  const integer = /^\d+$/.test(raw) && Number.isSafeInteger(num);
  return { type: 'number', value: raw, pos: start, end: start + raw.length, num, integer };
}

function readWord(text: string, start: number): Token {
  let i = start;
  while (i < text.length) {
    const cp = text.codePointAt(i) as number;
    const ch = String.fromCodePoint(cp);
    if (!isIdentChar(ch, i === start)) break;
    i += ch.length;
  }
  const word = text.slice(start, i);
  const upper = word.toUpperCase();
  if (KEYWORDS.has(upper)) return { type: 'keyword', value: upper, pos: start, end: i };
  return { type: 'ident', value: word, pos: start, end: i };
}

/** Skips a comment at `i` (`-- …` to end of line, or a block comment); returns the offset after it or -1. */
function skipComment(text: string, i: number): number {
  if (text.startsWith('--', i)) {
    const nl = text.indexOf('\n', i);
    return nl < 0 ? text.length : nl + 1;
  }
  if (text.startsWith('/*', i)) {
    const close = text.indexOf('*/', i + 2);
    if (close < 0) throw syntax('unterminated comment', i);
    return close + 2;
  }
  return -1;
}

/** Splits expression text into tokens, ending with an `eof` token. */
export function tokenize(text: string, maxLength = MAX_EXPRESSION_LENGTH): Token[] {
  if (text.length > maxLength) {
    throw syntax(`expression is too long (${text.length} characters, at most ${maxLength})`, maxLength);
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (SPACE.test(ch)) { i += 1; continue; }
    const afterComment = skipComment(text, i);
    if (afterComment >= 0) { i = afterComment; continue; }
    let token: Token;
    if (ch === "'") {
      const s = readString(text, i);
      token = { type: 'string', value: s.value, pos: i, end: s.end };
    } else if (ch === '"') {
      const q = readQuoted(text, i);
      token = { type: 'qident', value: q.value, pos: i, end: q.end };
    } else if (/\d/.test(ch) || (ch === '.' && /\d/.test(text[i + 1] ?? ''))) {
      token = readNumber(text, i);
    } else if (isIdentChar(String.fromCodePoint(text.codePointAt(i) as number), true)) {
      token = readWord(text, i);
    } else if (ch === '@') {
      const word = isIdentChar(text[i + 1] ?? ' ', true) ? readWord(text, i + 1).value : '';
      throw syntax(`variables such as '@${word}' are not supported`, i);
    } else if (ch === '$') {
      const word = isIdentChar(text[i + 1] ?? ' ', true) ? readWord(text, i + 1).value : '';
      throw syntax(`special values such as '$${word}' are not supported`, i);
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (!op) throw syntax(`unexpected character '${String.fromCodePoint(text.codePointAt(i) as number)}'`, i);
      token = { type: 'op', value: op === '!=' ? '<>' : op, pos: i, end: i + op.length };
    }
    tokens.push(token);
    i = token.end;
  }
  tokens.push({ type: 'eof', value: '', pos: text.length, end: text.length });
  return tokens;
}
