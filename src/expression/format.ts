import { BINARY_PRECEDENCE, precedence, type Node, type Value } from './ast.js';

/** Quotes a field name for expression text: "name" with " doubled. */
export function quoteField(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string for expression text, escaping ', \, newline and tab so that it parses back unchanged. */
export function quoteString(s: string): string {
  return `'${s.replace(/[\\'\n\t]/g, (c) => (c === "'" ? "''" : c === '\n' ? '\\n' : c === '\t' ? '\\t' : '\\\\'))}'`;
}

/** Writes a number literal; `real` literals always show a decimal point or exponent. */
export function formatNumber(n: number, real: boolean): string {
  const text = String(n);
  return real && !/[.e]/.test(text) ? `${text}.0` : text;
}

function literal(value: Value, real: boolean): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return formatNumber(value, real);
  return quoteString(value);
}

/** Formats `child`, parenthesised when it binds less tightly than `min`. */
function operand(child: Node, min: number): string {
  const text = format(child);
  return precedence(child) < min ? `(${text})` : text;
}

/** Normalised text of a syntax tree: upper-case keywords, quoted fields, minimal parentheses. */
export function format(node: Node): string {
  switch (node.type) {
    case 'literal':
      return literal(node.value, node.real === true);
    case 'field':
      return quoteField(node.name);
    case 'unary': {
      if (node.op === 'NOT') return `NOT ${operand(node.operand, 3)}`;
      const inner = operand(node.operand, 9);
      // A space keeps "- -a" from reading as a "--" comment.
      return /^[-+]/.test(inner) ? `${node.op} ${inner}` : `${node.op}${inner}`;
    }
    case 'binary': {
      const p = BINARY_PRECEDENCE[node.op];
      const rightAssoc = node.op === '^';
      const left = operand(node.left, rightAssoc ? p + 1 : p);
      const right = operand(node.right, rightAssoc ? p : p + 1);
      return `${left} ${node.op} ${right}`;
    }
    case 'logical': {
      const p = node.op === 'OR' ? 1 : 2;
      return node.operands.map((o) => operand(o, p + 1)).join(` ${node.op} `);
    }
    case 'in':
      return `${operand(node.operand, 4)} ${node.negated ? 'NOT IN' : 'IN'} (${node.list.map(format).join(', ')})`;
    case 'between':
      return `${operand(node.operand, 4)} ${node.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${operand(node.low, 5)} AND ${operand(node.high, 5)}`;
    case 'case': {
      const parts = node.branches.map((b) => `WHEN ${format(b.when)} THEN ${format(b.then)}`);
      if (node.otherwise) parts.push(`ELSE ${format(node.otherwise)}`);
      return `CASE ${parts.join(' ')} END`;
    }
    case 'call':
      return `${node.name}(${node.args.map(format).join(', ')})`;
  }
}
