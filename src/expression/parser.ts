import { logical, MAX_DEPTH, nodeDeeperThan, type BinaryOp, type Node } from './ast.js';
import { ExpressionError } from './errors.js';
import { findFunction } from './functions.js';
import { describeToken, tokenize, type Token } from './lexer.js';

const COMPARISON: ReadonlySet<string> = new Set(['=', '<>', '<', '<=', '>', '>=', '~']);

/** Recursive-descent parser with QGIS precedence; nesting is bounded by MAX_DEPTH. */
class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;

  constructor(private readonly text: string, private readonly maxDepth: number, maxLength?: number) {
    this.tokens = tokenize(text, maxLength);
  }

  parse(): Node {
    if (this.peek().type === 'eof') throw this.error('expression is empty', this.peek().pos);
    const node = this.expression();
    const rest = this.peek();
    if (rest.type !== 'eof') throw this.error(`unexpected ${describeToken(rest, this.text)} after the end of the expression`, rest.pos);
    const tooDeep = nodeDeeperThan(node, this.maxDepth);
    if (tooDeep) throw this.error(`expression is nested too deeply (at most ${this.maxDepth} levels)`, tooDeep.pos);
    return node;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.peek();
    if (t.type !== 'eof') this.index += 1;
    return t;
  }

  private is(type: Token['type'], value?: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.type === type && (value === undefined || t.value === value);
  }

  private accept(type: Token['type'], value: string): Token | null {
    return this.is(type, value) ? this.next() : null;
  }

  private expect(type: Token['type'], value: string, label = `'${value}'`): Token {
    const t = this.peek();
    if (t.type === type && t.value === value) return this.next();
    throw this.error(`expected ${label} but found ${describeToken(t, this.text)}`, t.pos);
  }

  private error(detail: string, pos: number): ExpressionError {
    return new ExpressionError(detail, pos, 'syntax');
  }

  /** Runs `body` one nesting level deeper, refusing to exceed MAX_DEPTH. */
  private nested<T>(pos: number, body: () => T): T {
    this.depth += 1;
    if (this.depth > this.maxDepth) throw this.error(`expression is nested too deeply (at most ${this.maxDepth} levels)`, pos);
    try {
      return body();
    } finally {
      this.depth -= 1;
    }
  }

  private expression(): Node {
    return this.nested(this.peek().pos, () => this.or());
  }

  private or(): Node {
    const first = this.and();
    if (!this.is('keyword', 'OR')) return first;
    const pos = this.peek().pos;
    const operands = [first];
    while (this.accept('keyword', 'OR')) operands.push(this.and());
    return logical('OR', operands, pos);
  }

  private and(): Node {
    const first = this.not();
    if (!this.is('keyword', 'AND')) return first;
    const pos = this.peek().pos;
    const operands = [first];
    while (this.accept('keyword', 'AND')) operands.push(this.not());
    return logical('AND', operands, pos);
  }

  private not(): Node {
    const t = this.peek();
    if (t.type === 'keyword' && t.value === 'NOT') {
      this.next();
      return this.nested(t.pos, () => ({ type: 'unary', op: 'NOT', operand: this.not(), pos: t.pos }));
    }
    return this.comparison();
  }

  private comparison(): Node {
    let left = this.additive();
    for (;;) {
      const t = this.peek();
      if (t.type === 'op' && COMPARISON.has(t.value)) {
        this.next();
        left = { type: 'binary', op: t.value as BinaryOp, left, right: this.additive(), pos: t.pos };
        continue;
      }
      if (t.type !== 'keyword') return left;
      const negated = t.value === 'NOT' && this.is('keyword', undefined, 1) && ['LIKE', 'ILIKE', 'IN', 'BETWEEN'].includes(this.peek(1).value);
      const word = negated ? this.peek(1).value : t.value;
      if (t.value === 'IS') {
        this.next();
        const op: BinaryOp = this.accept('keyword', 'NOT') ? 'IS NOT' : 'IS';
        left = { type: 'binary', op, left, right: this.additive(), pos: t.pos };
      } else if (word === 'LIKE' || word === 'ILIKE') {
        this.index += negated ? 2 : 1;
        const op = `${negated ? 'NOT ' : ''}${word}` as BinaryOp;
        left = { type: 'binary', op, left, right: this.additive(), pos: t.pos };
      } else if (word === 'IN') {
        this.index += negated ? 2 : 1;
        left = { type: 'in', negated, operand: left, list: this.list(), pos: t.pos };
      } else if (word === 'BETWEEN') {
        this.index += negated ? 2 : 1;
        const low = this.additive();
        this.expect('keyword', 'AND', "'AND'");
        left = { type: 'between', negated, operand: left, low, high: this.additive(), pos: t.pos };
      } else return left;
    }
  }

  private list(): Node[] {
    const open = this.expect('op', '(');
    const items = [this.expression()];
    while (this.accept('op', ',')) items.push(this.expression());
    this.expect('op', ')', `')' or ','`);
    if (items.length === 0) throw this.error('IN needs at least one value', open.pos);
    return items;
  }

  private binaryLoop(ops: readonly string[], operand: () => Node): Node {
    let left = operand();
    while (this.peek().type === 'op' && ops.includes(this.peek().value)) {
      const t = this.next();
      left = { type: 'binary', op: t.value as BinaryOp, left, right: operand(), pos: t.pos };
    }
    return left;
  }

  private additive(): Node {
    return this.binaryLoop(['+', '-'], () => this.multiplicative());
  }

  private multiplicative(): Node {
    return this.binaryLoop(['*', '/', '//', '%'], () => this.power());
  }

  private power(): Node {
    const base = this.concat();
    const t = this.accept('op', '^');
    if (!t) return base;
    return this.nested(t.pos, () => ({ type: 'binary', op: '^', left: base, right: this.power(), pos: t.pos }));
  }

  private concat(): Node {
    return this.binaryLoop(['||'], () => this.unary());
  }

  private unary(): Node {
    const t = this.peek();
    if (t.type === 'op' && (t.value === '-' || t.value === '+')) {
      this.next();
      return this.nested(t.pos, () => ({ type: 'unary', op: t.value as '-' | '+', operand: this.unary(), pos: t.pos }));
    }
    if (t.type === 'keyword' && t.value === 'NOT') return this.not();
    return this.primary();
  }

  private primary(): Node {
    const t = this.peek();
    switch (t.type) {
      case 'number':
        this.next();
        return { type: 'literal', value: t.num as number, real: !t.integer, pos: t.pos };
      case 'string':
        this.next();
        return { type: 'literal', value: t.value, pos: t.pos };
      case 'qident':
        this.next();
        return { type: 'field', name: t.value, pos: t.pos };
      case 'ident':
        this.next();
        return this.is('op', '(') ? this.call(t) : { type: 'field', name: t.value, pos: t.pos };
      case 'keyword':
        return this.keywordPrimary(t);
      case 'op':
        if (t.value === '(') {
          this.next();
          const inner = this.expression();
          this.expect('op', ')');
          return inner;
        }
        break;
      default:
        break;
    }
    throw this.error(`expected an expression but found ${describeToken(t, this.text)}`, t.pos);
  }

  private keywordPrimary(t: Token): Node {
    if (t.value === 'NULL' || t.value === 'TRUE' || t.value === 'FALSE') {
      this.next();
      return { type: 'literal', value: t.value === 'NULL' ? null : t.value === 'TRUE', pos: t.pos };
    }
    if (t.value === 'CASE') return this.caseExpression(t);
    throw this.error(`expected an expression but found ${describeToken(t, this.text)}`, t.pos);
  }

  private caseExpression(t: Token): Node {
    this.next();
    return this.nested(t.pos, () => {
      const branches: Array<{ when: Node; then: Node }> = [];
      while (this.accept('keyword', 'WHEN')) {
        const when = this.expression();
        this.expect('keyword', 'THEN', "'THEN'");
        branches.push({ when, then: this.expression() });
      }
      if (branches.length === 0) throw this.error(`expected 'WHEN' but found ${describeToken(this.peek(), this.text)}`, this.peek().pos);
      const otherwise = this.accept('keyword', 'ELSE') ? this.expression() : null;
      this.expect('keyword', 'END', otherwise ? "'END'" : "'WHEN', 'ELSE' or 'END'");
      return { type: 'case', branches, otherwise, pos: t.pos };
    });
  }

  private call(name: Token): Node {
    const fn = findFunction(name.value);
    if (!fn) throw this.error(`unknown function '${name.value}'`, name.pos);
    this.expect('op', '(');
    const args: Node[] = [];
    if (!this.accept('op', ')')) {
      args.push(this.expression());
      while (this.accept('op', ',')) args.push(this.expression());
      this.expect('op', ')', `')' or ','`);
    }
    if (args.length < fn.minArgs || args.length > fn.maxArgs) {
      const range = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : fn.maxArgs === Infinity ? `at least ${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
      throw this.error(`function '${fn.name}' expects ${range} argument${range === '1' ? '' : 's'} but got ${args.length}`, name.pos);
    }
    return { type: 'call', name: fn.name, args, pos: name.pos };
  }
}

/** Limits for {@link parseExpression}; the defaults are MAX_EXPRESSION_LENGTH and MAX_DEPTH. */
export interface ParseLimits { maxLength?: number; maxDepth?: number }

/** Parses expression text into a syntax tree; throws ExpressionError with the offending position. */
export function parseExpression(text: string, limits: ParseLimits = {}): Node {
  if (typeof text !== 'string') throw new ExpressionError('expression must be a string', 0, 'syntax');
  return new Parser(text, limits.maxDepth ?? MAX_DEPTH, limits.maxLength).parse();
}
