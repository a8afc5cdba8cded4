/** A value an expression works with: NULL, a boolean, a number or a string. */
export type Value = null | boolean | number | string;

/** Comparison operators (all share one precedence level). */
export type ComparisonOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** Pattern operators: LIKE family and `~` (regular expression). */
export type MatchOp = 'LIKE' | 'NOT LIKE' | 'ILIKE' | 'NOT ILIKE' | '~';

/** Arithmetic and concatenation operators. */
export type ArithmeticOp = '+' | '-' | '*' | '/' | '//' | '%' | '^' | '||';

/** Every binary operator of the language. */
export type BinaryOp = ComparisonOp | MatchOp | 'IS' | 'IS NOT' | ArithmeticOp;

/** A literal: NULL, TRUE/FALSE, a number (`real` when written with a decimal point or exponent) or a string. */
export interface LiteralNode { type: 'literal'; pos: number; value: Value; real?: boolean }
/** A reference to a feature attribute. */
export interface FieldNode { type: 'field'; pos: number; name: string }
/** Unary minus/plus or NOT. */
export interface UnaryNode { type: 'unary'; pos: number; op: '-' | '+' | 'NOT'; operand: Node }
/** A binary operator application. */
export interface BinaryNode { type: 'binary'; pos: number; op: BinaryOp; left: Node; right: Node }
/** AND / OR over two or more operands (chains are flattened). */
export interface LogicalNode { type: 'logical'; pos: number; op: 'AND' | 'OR'; operands: Node[] }
/** `x [NOT] IN (a, b, …)`. */
export interface InNode { type: 'in'; pos: number; negated: boolean; operand: Node; list: Node[] }
/** `x [NOT] BETWEEN low AND high`. */
export interface BetweenNode { type: 'between'; pos: number; negated: boolean; operand: Node; low: Node; high: Node }
/** `CASE WHEN c THEN v … [ELSE e] END`. */
export interface CaseNode { type: 'case'; pos: number; branches: Array<{ when: Node; then: Node }>; otherwise: Node | null }
/** A function call; `name` is the canonical (lower-case) function name. */
export interface CallNode { type: 'call'; pos: number; name: string; args: Node[] }

/** A node of the expression syntax tree. */
export type Node = LiteralNode | FieldNode | UnaryNode | BinaryNode | LogicalNode | InNode | BetweenNode | CaseNode | CallNode;

/** Deepest syntax tree accepted (each operator, call or parenthesised group is one level). */
export const MAX_DEPTH = 256;

/** The direct children of a node, in source order. */
export function children(node: Node): Node[] {
  switch (node.type) {
    case 'literal':
    case 'field':
      return [];
    case 'unary':
      return [node.operand];
    case 'binary':
      return [node.left, node.right];
    case 'logical':
      return node.operands;
    case 'in':
      return [node.operand, ...node.list];
    case 'between':
      return [node.operand, node.low, node.high];
    case 'case': {
      const out: Node[] = [];
      for (const b of node.branches) out.push(b.when, b.then);
      if (node.otherwise) out.push(node.otherwise);
      return out;
    }
    case 'call':
      return node.args;
  }
}

/** Every node of the tree, parents before children, without recursion. */
export function walk(root: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    out.push(node);
    const kids = children(node);
    for (let i = kids.length - 1; i >= 0; i -= 1) stack.push(kids[i]);
  }
  return out;
}

/** The first node (in walk order) lying deeper than `limit`, or null; iterative, so safe on any tree. */
export function nodeDeeperThan(root: Node, limit: number): Node | null {
  const stack: Array<[Node, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [Node, number];
    if (depth > limit) return node;
    for (const child of children(node)) stack.push([child, depth + 1]);
  }
  return null;
}

/** Binding strength used for printing: higher binds tighter. */
export function precedence(node: Node): number {
  switch (node.type) {
    case 'logical':
      return node.op === 'OR' ? 1 : 2;
    case 'unary':
      return node.op === 'NOT' ? 3 : 9;
    case 'in':
    case 'between':
      return 4;
    case 'binary':
      return BINARY_PRECEDENCE[node.op];
    default:
      return 10;
  }
}

/** Precedence of each binary operator (as in QGIS: `||` binds tighter than `^`, which binds tighter than `*`). */
export const BINARY_PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  '=': 4, '<>': 4, '<': 4, '<=': 4, '>': 4, '>=': 4,
  LIKE: 4, 'NOT LIKE': 4, ILIKE: 4, 'NOT ILIKE': 4, '~': 4, IS: 4, 'IS NOT': 4,
  '+': 5, '-': 5,
  '*': 6, '/': 6, '//': 6, '%': 6,
  '^': 7,
  '||': 8,
};

/** True for nodes whose result is always a boolean or NULL (comparisons, logic, matching). */
export function isBooleanNode(node: Node): boolean {
  switch (node.type) {
    case 'literal':
      return typeof node.value === 'boolean';
    case 'unary':
      return node.op === 'NOT';
    case 'binary':
      return BINARY_PRECEDENCE[node.op] === 4;
    case 'logical':
    case 'in':
    case 'between':
      return true;
    case 'call':
      return node.name === 'starts_with';
    default:
      return false;
  }
}

/** Builds an AND/OR node, flattening operands that are the same operator. */
export function logical(op: 'AND' | 'OR', operands: Node[], pos: number): Node {
  const flat: Node[] = [];
  for (const o of operands) {
    if (o.type === 'logical' && o.op === op) flat.push(...o.operands);
    else flat.push(o);
  }
  return flat.length === 1 ? flat[0] : { type: 'logical', op, operands: flat, pos };
}
