import { ValueError } from './errors.js';

/** One element of a LIKE pattern: a literal character (code point), `_` (one character) or `%` (any run). */
export type LikeItem = { kind: 'char'; ch: string } | { kind: 'one' } | { kind: 'any' };

/** Splits a LIKE pattern into items: `%` any run, `_` one character, `\x` the literal x. */
export function parseLike(pattern: string): LikeItem[] {
  const items: LikeItem[] = [];
  const cps = Array.from(pattern);
  for (let i = 0; i < cps.length; i += 1) {
    const ch = cps[i];
    if (ch === '%') {
      if (items.at(-1)?.kind !== 'any') items.push({ kind: 'any' });
    } else if (ch === '_') items.push({ kind: 'one' });
    else if (ch === '\\' && i + 1 < cps.length) {
      i += 1;
      items.push({ kind: 'char', ch: cps[i] });
    } else items.push({ kind: 'char', ch });
  }
  return items;
}

const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

/** Escapes text for use as a literal in a `u`-flag regular expression. */
export function escapeRegex(text: string): string {
  return text.replace(REGEX_SYNTAX, '\\$&');
}

type Matcher = (input: string) => boolean;

function segmentRegex(segment: LikeItem[], flags: string): RegExp {
  const source = segment.map((it) => (it.kind === 'one' ? '.' : escapeRegex((it as { ch: string }).ch))).join('');
  return new RegExp(source, flags);
}

/**
 * Builds a matcher that runs in O(length × pattern) time whatever the pattern: the pattern is cut at
 * each `%` into fixed-length segments; the first is anchored at the start, the last at the end, and
 * each middle one is placed at its leftmost occurrence (which is optimal), so nothing backtracks.
 */
function buildMatcher(pattern: string, caseInsensitive: boolean): Matcher {
  const items = parseLike(pattern);
  const segments: LikeItem[][] = [[]];
  for (const it of items) {
    if (it.kind === 'any') segments.push([]);
    else (segments.at(-1) as LikeItem[]).push(it);
  }
  const flags = caseInsensitive ? 'isu' : 'su';
  if (segments.length === 1) {
    const whole = new RegExp(`^(?:${segmentRegex(segments[0], flags).source})$`, flags);
    return (input) => whole.test(input);
  }
  const first = segments[0].length ? new RegExp(segmentRegex(segments[0], flags).source, `${flags}y`) : null;
  const last = (segments.at(-1) as LikeItem[]).length
    ? new RegExp(`(?:${segmentRegex(segments.at(-1) as LikeItem[], flags).source})$`, `${flags}g`)
    : null;
  const middle = segments.slice(1, -1).filter((s) => s.length > 0).map((s) => segmentRegex(s, `${flags}g`));
  return (input) => {
    let pos = 0;
    if (first) {
      first.lastIndex = 0;
      if (!first.test(input)) return false;
      pos = first.lastIndex;
    }
    for (const re of middle) {
      re.lastIndex = pos;
      if (!re.exec(input)) return false;
      pos = re.lastIndex;
    }
    if (last) {
      last.lastIndex = pos;
      return last.exec(input) !== null;
    }
    return true;
  };
}

const CACHE_SIZE = 256;
const likeCache = new Map<string, Matcher>();
const regexCache = new Map<string, RegExp>();

function remember<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(key, value);
  }
  return value;
}

/** True when `input` matches the LIKE `pattern` (whole string; ILIKE when caseInsensitive, by Unicode simple case folding). */
export function likeMatch(input: string, pattern: string, caseInsensitive: boolean): boolean {
  return remember(likeCache, `${caseInsensitive ? 'i' : 'c'}${pattern}`, () => buildMatcher(pattern, caseInsensitive))(input);
}

/** Longest regular expression accepted by `~` and the regexp_* functions. */
export const MAX_REGEX_LENGTH = 4096;

/**
 * True when a pattern repeats a group that itself contains a repetition or an alternation, such as
 * `(a+)+` or `(a|ab)*`: the shapes that make a backtracking engine take exponential time.
 */
export function hasNestedRepetition(pattern: string): boolean {
  type Frame = { repeats: boolean; alternates: boolean };
  const stack: Frame[] = [{ repeats: false, alternates: false }];
  let closed: Frame | null = null;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    const top = stack[stack.length - 1];
    if (c === '\\') { i += 2; closed = null; continue; }
    if (c === '[') {
      i += 1;
      if (pattern[i] === '^') i += 1;
      if (pattern[i] === ']') i += 1;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i += 1;
      closed = null;
      continue;
    }
    if (c === '(') { stack.push({ repeats: false, alternates: false }); i += 1; closed = null; continue; }
    if (c === ')') {
      closed = stack.length > 1 ? (stack.pop() as Frame) : { repeats: false, alternates: false };
      if (closed.repeats) stack[stack.length - 1].repeats = true;
      i += 1;
      continue;
    }
    if (c === '|') { top.alternates = true; i += 1; closed = null; continue; }
    let repeats = false;
    if (c === '*' || c === '+') { repeats = true; i += 1; }
    else if (c === '?') { i += 1; }
    else if (c === '{') {
      const m = /^\{(\d*)(?:(,)(\d*))?\}/.exec(pattern.slice(i, i + 32));
      if (!m) { i += 1; closed = null; continue; }
      repeats = (m[2] !== undefined && m[3] === '') || Number(m[3] ?? m[1]) > 1;
      i += m[0].length;
    } else { i += 1; closed = null; continue; }
    if (pattern[i] === '?' || pattern[i] === '+') i += 1;
    if (repeats && closed && (closed.repeats || closed.alternates)) return true;
    if (repeats) top.repeats = true;
    closed = null;
  }
  return false;
}

/** Compiles a user regular expression (cached), refusing oversize or catastrophic patterns. */
export function compileRegex(pattern: string, global = false): RegExp {
  const key = `${global ? 'g' : '-'}${pattern}`;
  return remember(regexCache, key, () => {
    if (pattern.length > MAX_REGEX_LENGTH) throw new ValueError(`Regular expression is too long (at most ${MAX_REGEX_LENGTH} characters)`);
    if (hasNestedRepetition(pattern)) {
      throw new ValueError(`Regular expression '${pattern}' repeats a group that contains a repetition or alternation; this is refused because it can take exponential time`);
    }
    try {
      return new RegExp(pattern, global ? 'gu' : 'u');
    } catch {
      try {
        return new RegExp(pattern, global ? 'g' : '');
      } catch (e) {
        throw new ValueError(`Invalid regular expression '${pattern}': ${(e as Error).message}`);
      }
    }
  });
}
