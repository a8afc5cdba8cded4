import type { BinaryNode, CallNode, Node, Value } from './ast.js';
import { ExpressionError, ValueError } from './errors.js';
import { FUNCTIONS } from './functions.js';
import { compileRegex, likeMatch } from './like.js';
import { compareValues, finite, isNumeric, toBool, toNumber, toText, toTruth } from './values.js';

/** Reads a field value; throws an ExpressionError of kind 'field' when the feature has no such field. */
export type FieldReader = (name: string, pos: number) => Value;

/** A compiled expression: evaluates against one feature's field reader. */
export type Compiled = (read: FieldReader) => Value;

type NonNull = Exclude<Value, null>;

/** Wraps a step so that value errors carry the position of the node at fault. */
function at(node: Node, step: Compiled): Compiled {
  return (read) => {
    try {
      return step(read);
    } catch (e) {
      if (e instanceof ValueError) throw new ExpressionError(e.message, node.pos, 'evaluation');
      throw e;
    }
  };
}

function arithmetic(op: string, a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (op === '||') return toText(a) + toText(b);
  if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
  const x = toNumber(a);
  const y = toNumber(b);
  switch (op) {
    case '+': return finite(x + y);
    case '-': return finite(x - y);
    case '*': return finite(x * y);
    case '/': return y === 0 ? null : finite(x / y);
    case '%': return y === 0 ? null : finite(x % y);
    case '//': return y === 0 ? null : finite(Math.floor(x / y));
    default: return finite(x ** y);
  }
}

function compare(op: string, a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  const c = compareValues(a, b);
  switch (op) {
    case '=': return c === 0;
    case '<>': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    default: return c >= 0;
  }
}

function match(op: string, a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  const s = toText(a);
  const p = toText(b);
  switch (op) {
    case 'LIKE': return likeMatch(s, p, false);
    case 'NOT LIKE': return !likeMatch(s, p, false);
    case 'ILIKE': return likeMatch(s, p, true);
    case 'NOT ILIKE': return !likeMatch(s, p, true);
    default: return compileRegex(p).test(s);
  }
}

function isOp(op: string, a: Value, b: Value): boolean {
  const same = a === null || b === null ? a === b : compareValues(a, b) === 0;
  return op === 'IS' ? same : !same;
}

function binary(node: BinaryNode): Compiled {
  const left = compile(node.left);
  const right = compile(node.right);
  const op = node.op;
  if (op === 'IS' || op === 'IS NOT') return at(node, (r) => isOp(op, left(r), right(r)));
  if (['=', '<>', '<', '<=', '>', '>='].includes(op)) return at(node, (r) => compare(op, left(r), right(r)));
  if (op === '~' || op.endsWith('LIKE')) return at(node, (r) => match(op, left(r), right(r)));
  return at(node, (r) => arithmetic(op, left(r), right(r)));
}

function logicalAnd(parts: Compiled[]): Compiled {
  return (r) => {
    let unknown = false;
    for (const part of parts) {
      const t = toTruth(part(r));
      if (t === false) return false;
      if (t === null) unknown = true;
    }
    return unknown ? null : true;
  };
}

function logicalOr(parts: Compiled[]): Compiled {
  return (r) => {
    let unknown = false;
    for (const part of parts) {
      const t = toTruth(part(r));
      if (t === true) return true;
      if (t === null) unknown = true;
    }
    return unknown ? null : false;
  };
}

function unaryMinus(v: Value, sign: number): Value {
  if (v === null) return null;
  if (!isNumeric(v)) throw new ValueError('Unary minus only for numeric values.');
  return sign * toNumber(v);
}

function inList(operand: Compiled, list: Compiled[], negated: boolean): Compiled {
  return (r) => {
    const v = operand(r);
    if (v === null) return null;
    let sawNull = false;
    for (const item of list) {
      const w = item(r);
      if (w === null) sawNull = true;
      else if (compareValues(v, w) === 0) return !negated;
    }
    return sawNull ? null : negated;
  };
}

function between(operand: Compiled, low: Compiled, high: Compiled, negated: boolean): Compiled {
  return (r) => {
    const v = operand(r);
    if (v === null) return null;
    const lo = low(r);
    const aboveLow = lo === null ? null : compareValues(v, lo) >= 0;
    if (aboveLow === false) return negated;
    const hi = high(r);
    const belowHigh = hi === null ? null : compareValues(v as NonNull, hi) <= 0;
    if (belowHigh === false) return negated;
    if (aboveLow === null || belowHigh === null) return null;
    return !negated;
  };
}

function call(node: CallNode): Compiled {
  const args = node.args.map(compile);
  if (node.name === 'if') {
    const [cond, then, otherwise] = args;
    return (r) => (toBool(cond(r)) ? then(r) : otherwise(r));
  }
  const fn = FUNCTIONS.get(node.name);
  if (!fn) throw new ExpressionError(`unknown function '${node.name}'`, node.pos, 'syntax');
  return at(node, (r) => {
    const values = args.map((a) => a(r));
    if (!fn.handlesNull && values.some((v) => v === null)) return null;
    return fn.fn(values);
  });
}

/** Compiles a syntax tree into a closure that evaluates it with QGIS semantics. */
export function compile(node: Node): Compiled {
  switch (node.type) {
    case 'literal': {
      const value = node.value;
      return () => value;
    }
    case 'field': {
      const { name, pos } = node;
      return (read) => read(name, pos);
    }
    case 'unary': {
      const operand = compile(node.operand);
      if (node.op === 'NOT') {
        return at(node, (r) => {
          const t = toTruth(operand(r));
          return t === null ? null : !t;
        });
      }
      const sign = node.op === '-' ? -1 : 1;
      return at(node, (r) => unaryMinus(operand(r), sign));
    }
    case 'binary':
      return binary(node);
    case 'logical': {
      const parts = node.operands.map(compile);
      return at(node, node.op === 'AND' ? logicalAnd(parts) : logicalOr(parts));
    }
    case 'in':
      return at(node, inList(compile(node.operand), node.list.map(compile), node.negated));
    case 'between':
      return at(node, between(compile(node.operand), compile(node.low), compile(node.high), node.negated));
    case 'case': {
      const branches = node.branches.map((b) => ({ when: compile(b.when), then: compile(b.then) }));
      const otherwise = node.otherwise ? compile(node.otherwise) : null;
      return at(node, (r) => {
        for (const b of branches) if (toTruth(b.when(r)) === true) return b.then(r);
        return otherwise ? otherwise(r) : null;
      });
    }
    case 'call':
      return call(node);
  }
}
