/**
 * Small builders of filter-expression syntax trees (src/expression/ast.ts), so that the filters this API makes
 * from parameters (datetime, property=value) are trees, not text: names and values need no quoting by hand.
 */
import { Expression, type Node, type Value } from '../../expression/index.js';

/** A field reference. */
export function field(name: string): Node {
  return { type: 'field', pos: 0, name };
}

/** A literal (numbers written as reals when not integers). */
export function literal(value: Value): Node {
  return typeof value === 'number' && !Number.isInteger(value) ? { type: 'literal', pos: 0, value, real: true } : { type: 'literal', pos: 0, value };
}

/** `left op right` for a comparison or IS / IS NOT. */
export function compare(op: '=' | '<>' | '<' | '<=' | '>' | '>=' | 'IS' | 'IS NOT', left: Node, right: Node): Node {
  return { type: 'binary', pos: 0, op, left, right };
}

/** A function call (name as the expression language spells it). */
export function call(name: string, ...args: Node[]): Node {
  return { type: 'call', pos: 0, name, args };
}

/** `a || b` (text concatenation; NULL propagates). */
export function concat(left: Node, right: Node): Node {
  return { type: 'binary', pos: 0, op: '||', left, right };
}

/** The AND of nodes; a single node alone. */
export function and(nodes: readonly Node[]): Node {
  return nodes.length === 1 ? nodes[0]! : { type: 'logical', pos: 0, op: 'AND', operands: [...nodes] };
}

/** `name IS NOT NULL`. */
export function notNull(name: string): Node {
  return compare('IS NOT', field(name), literal(null));
}

/** An expression of a tree (its text normalised, so it parses back to the same tree). */
export function toExpression(node: Node): Expression {
  return Expression.fromNode(node);
}
