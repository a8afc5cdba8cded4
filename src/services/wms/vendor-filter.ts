import { Expression, ExpressionError, type Node } from '../../expression/index.js';
import { InvalidParameterError } from '../../errors/ogc-error.js';

const MAX_FILTER_LENGTH = 8192;

/**
 * Parses the vendor FILTER parameter, `layer:"field" = 'x';other:"pop" > 1000` (QGIS Server syntax),
 * into an expression per layer. Only plain comparisons are accepted: fields, literals, = <> < <= > >=,
 * arithmetic, AND / OR / NOT, IN, BETWEEN, LIKE / ILIKE, IS [NOT] NULL — no functions, CASE or
 * regular expressions, so a client cannot make the server do unbounded work.
 */
export function parseVendorFilter(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!text || !text.trim()) return out;
  if (text.length > MAX_FILTER_LENGTH) throw new InvalidParameterError('FILTER', `FILTER is longer than ${MAX_FILTER_LENGTH} characters`);
  for (const part of splitOutsideQuotes(text, ';')) {
    if (!part.trim()) continue;
    const colon = part.indexOf(':');
    if (colon <= 0) throw new InvalidParameterError('FILTER', `FILTER part '${part.slice(0, 80)}' is not layer:expression`);
    const layer = part.slice(0, colon).trim();
    const source = part.slice(colon + 1).trim();
    let expr: Expression;
    try {
      expr = Expression.parse(source);
    } catch (err) {
      const msg = err instanceof ExpressionError ? err.message : 'invalid expression';
      throw new InvalidParameterError('FILTER', `FILTER for layer '${layer}': ${msg}`);
    }
    const bad = unsafe(expr.root);
    if (bad) throw new InvalidParameterError('FILTER', `FILTER for layer '${layer}': ${bad} is not allowed in FILTER`);
    out.set(layer, out.has(layer) ? `(${out.get(layer)}) AND (${source})` : source);
  }
  return out;
}

/** The first construct FILTER does not allow, described; null when the tree is plain. */
function unsafe(node: Node): string | null {
  switch (node.type) {
    case 'literal':
    case 'field':
      return null;
    case 'unary':
      return unsafe(node.operand);
    case 'binary':
      if (node.op === '~') return 'a regular expression (~)';
      if (node.op === '||') return 'concatenation (||)';
      return unsafe(node.left) ?? unsafe(node.right);
    case 'logical':
      return node.operands.map(unsafe).find((x) => x !== null) ?? null;
    case 'in':
      return unsafe(node.operand) ?? node.list.map(unsafe).find((x) => x !== null) ?? null;
    case 'between':
      return unsafe(node.operand) ?? unsafe(node.low) ?? unsafe(node.high);
    case 'call':
      return `the function ${node.name}()`;
    case 'case':
      return 'CASE';
    default:
      return 'this construct';
  }
}

/** Splits on a separator that is not inside '...' or "..." (doubled quotes escape). */
function splitOutsideQuotes(text: string, sep: string): string[] {
  const parts: string[] = [];
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) {
        if (text[i + 1] === quote) i++;
        else quote = null;
      }
    } else if (c === "'" || c === '"') quote = c;
    else if (c === sep) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
