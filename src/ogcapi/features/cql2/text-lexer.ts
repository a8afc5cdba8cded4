/**
 * Tokens of CQL2 text (OGC 21-065r2, cql2-text): numbers, character literals, identifiers (bare, with the
 * BNF's character ranges, or "double quoted"), and punctuation. Keywords are bare identifiers; the parser
 * matches them case-insensitively where it expects one, so a property may be called date or point.
 *
 * Character literals: '' and \' are a quote, \\ a backslash, \a \b \t \n \v \f \r the control characters
 * (/req/cql2-text/escaping); a backslash before anything else is kept with it, so the LIKE escapes \% and \_
 * reach the pattern unchanged (the expression language reads strings the same way).
 */
import { filterError } from './syntax.js';

/** Token categories. */
export type TokenType = 'number' | 'string' | 'ident' | 'qident' | 'punct' | 'eof';

/** One token with its source span. */
export interface Token {
  type: TokenType;
  /** Decoded text of strings and quoted identifiers; the identifier, number or punctuation as written otherwise. */
  value: string;
  /** Value of a number token. */
  num?: number;
  /** Start offset in the filter (UTF-16 code units). */
  pos: number;
  end: number;
}

const PUNCT = ['<>', '<=', '>=', '=', '<', '>', '(', ')', ',', '+', '-', '*', '/', '%', '^', '[', ']'];
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const SPACE = /\s/u;
// identifierStart and identifierPart of the CQL2 BNF.
const IDENT_START = /[:_A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFE\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}]/u;
const IDENT_PART = /[.0-9\u0300-\u036F\u203F\u2040]/u;
const CONTROL: Readonly<Record<string, string>> = { a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', "'": "'", '\\': '\\' };

function syntax(detail: string, pos: number): Error {
  return filterError(detail, `position ${pos}`);
}

function readString(text: string, start: number): { value: string; end: number } {
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "'") {
      if (text[i + 1] !== "'") return { value: out, end: i + 1 };
      out += "'";
      i += 2;
    } else if (ch === '\\' && i + 1 < text.length) {
      const next = text[i + 1];
      out += CONTROL[next] ?? `\\${next}`;
      i += 2;
    } else {
      out += ch;
      i += 1;
    }
  }
  throw syntax('unterminated character literal', start);
}

function readQuotedIdentifier(text: string, start: number): { value: string; end: number } {
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '"') {
      if (text[i + 1] !== '"') {
        if (out === '') throw syntax('empty quoted property name', start);
        return { value: out, end: i + 1 };
      }
      out += '"';
      i += 2;
    } else {
      out += text[i];
      i += 1;
    }
  }
  throw syntax('unterminated quoted property name', start);
}

function numberAt(text: string, i: number): string | null {
  NUMBER.lastIndex = i;
  const m = NUMBER.exec(text);
  return m ? m[0] : null;
}

/** Splits CQL2 text into tokens (ending with 'eof'); throws the filter's 400 at the first bad character. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const cp = String.fromCodePoint(text.codePointAt(i) as number);
    if (SPACE.test(cp)) {
      i += cp.length;
      continue;
    }
    const start = i;
    const numText = /[0-9.]/.test(cp) ? numberAt(text, i) : null;
    if (cp === "'") {
      const s = readString(text, i);
      tokens.push({ type: 'string', value: s.value, pos: start, end: s.end });
      i = s.end;
    } else if (cp === '"') {
      const s = readQuotedIdentifier(text, i);
      tokens.push({ type: 'qident', value: s.value, pos: start, end: s.end });
      i = s.end;
    } else if (numText !== null) {
      const num = Number(numText);
      if (!Number.isFinite(num)) throw syntax(`number ${numText} is out of range`, start);
      tokens.push({ type: 'number', value: numText, num, pos: start, end: start + numText.length });
      i += numText.length;
    } else if (IDENT_START.test(cp)) {
      let j = i + cp.length;
      while (j < text.length) {
        const c = String.fromCodePoint(text.codePointAt(j) as number);
        if (!IDENT_START.test(c) && !IDENT_PART.test(c)) break;
        j += c.length;
      }
      tokens.push({ type: 'ident', value: text.slice(i, j), pos: start, end: j });
      i = j;
    } else {
      const op = PUNCT.find((p) => text.startsWith(p, i));
      if (!op) throw syntax(`unexpected character '${cp}'`, start);
      tokens.push({ type: 'punct', value: op, pos: start, end: start + op.length });
      i += op.length;
    }
  }
  tokens.push({ type: 'eof', value: '', pos: text.length, end: text.length });
  return tokens;
}

/** A short rendering of a token for messages. */
export function describeToken(token: Token, text: string): string {
  if (token.type === 'eof') return 'end of filter';
  const raw = text.slice(token.pos, token.end);
  return `'${raw.length > 24 ? `${raw.slice(0, 24)}…` : raw}'`;
}
