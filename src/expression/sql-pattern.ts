import { parseLike, type LikeItem } from './like.js';

/** Target SQL dialect: SQLite as GDAL's GeoPackage/SQLite drivers run it, or GDAL's generic OGR SQL. */
export type SqlDialect = 'sqlite' | 'ogr';

/** A LIKE pattern rewritten for a dialect; `exact` is false when it selects a superset of the matches. */
export interface SqlPattern { pattern: string; exact: boolean }

/** At most this many `%` are sent to the engine (OGR's matcher backtracks); the rest is cut, giving a superset. */
const MAX_WILDCARDS = 3;
/** Longer patterns are not sent at all (SQLite limits LIKE patterns to 50,000 bytes). */
const MAX_PATTERN_ITEMS = 4096;

/** ASCII letters that Unicode case folding also equates with a non-ASCII letter (K KELVIN SIGN, ſ LONG S). */
export const ASCII_LETTERS_WITH_NON_ASCII_FOLDS = new Set(['k', 'K', 's', 'S']);

const ASCII_LETTER = /^[A-Za-z]$/;
const CASED = /\p{Cased}/u;

/** True for a non-ASCII character without case, which every engine compares exactly as ILIKE would. */
function caseless(ch: string): boolean {
  return ch.toLowerCase() === ch && ch.toUpperCase() === ch && !CASED.test(ch);
}

type Out = { kind: 'any' } | { kind: 'one' } | { kind: 'char'; ch: string };

/**
 * How the engine treats one literal pattern character compared with QGIS:
 * 'exact' (same matches), 'keep' (keep it, the engine may also match other case: superset),
 * or 'wild' (replace it with a wildcard: superset).
 */
function literalPolicy(ch: string, dialect: SqlDialect, caseInsensitive: boolean): 'exact' | 'keep' | 'wild' {
  if (dialect === 'ogr' && (ch === '%' || ch === '_' || ch === '\\')) return 'wild';
  const ascii = ch.charCodeAt(0) < 0x80;
  if (!caseInsensitive) return ascii && ASCII_LETTER.test(ch) ? 'keep' : 'exact';
  if (ascii) return ASCII_LETTERS_WITH_NON_ASCII_FOLDS.has(ch) ? 'wild' : 'exact';
  return caseless(ch) ? 'exact' : 'wild';
}

function rewrite(items: LikeItem[], dialect: SqlDialect, caseInsensitive: boolean): { out: Out[]; exact: boolean } {
  const out: Out[] = [];
  let exact = true;
  const push = (o: Out): void => {
    if (o.kind === 'any' && out.at(-1)?.kind === 'any') return;
    out.push(o);
  };
  for (const it of items) {
    if (it.kind === 'any') push(it);
    else if (it.kind === 'one') {
      // OGR counts bytes instead of characters on layers that are not declared UTF-8.
      if (dialect === 'ogr') { exact = false; push({ kind: 'any' }); } else push(it);
    } else {
      const policy = literalPolicy(it.ch, dialect, caseInsensitive);
      if (policy !== 'exact') exact = false;
      if (policy === 'wild') push(dialect === 'ogr' ? { kind: 'any' } : { kind: 'one' });
      else push(it);
    }
  }
  const anys = out.flatMap((o, i) => (o.kind === 'any' ? [i] : []));
  if (anys.length > MAX_WILDCARDS) {
    out.length = anys[MAX_WILDCARDS - 1] + 1; // keep everything up to the last allowed '%': a superset
    exact = false;
  }
  return { out, exact };
}

/** Rewrites a QGIS LIKE/ILIKE pattern for a dialect (sqlite: with ESCAPE '\'); null when it should not be sent. */
export function sqlLikePattern(pattern: string, dialect: SqlDialect, caseInsensitive: boolean): SqlPattern | null {
  const items = parseLike(pattern);
  if (items.length > MAX_PATTERN_ITEMS) return null;
  const { out, exact } = rewrite(items, dialect, caseInsensitive);
  const text = out.map((o) => {
    if (o.kind === 'any') return '%';
    if (o.kind === 'one') return '_';
    return dialect === 'sqlite' && (o.ch === '%' || o.ch === '_' || o.ch === '\\') ? `\\${o.ch}` : o.ch;
  }).join('');
  return { pattern: text, exact };
}
