/** What went wrong: the text does not parse, a field is unknown, or evaluation failed. */
export type ExpressionErrorKind = 'syntax' | 'field' | 'evaluation';

/** An error in an expression's text, fields or evaluation, with the 0-based character offset it concerns. */
export class ExpressionError extends Error {
  /** 0-based character offset (UTF-16 code units) in the expression text. */
  readonly position: number;
  /** Syntax error, unknown field, or evaluation error. */
  readonly kind: ExpressionErrorKind;
  /** The message without the "… at position N: " prefix, safe to show to clients. */
  readonly detail: string;

  constructor(detail: string, position: number, kind: ExpressionErrorKind = 'syntax') {
    const what = kind === 'syntax' ? 'Syntax error' : kind === 'field' ? 'Unknown field' : 'Evaluation error';
    super(`${what} at position ${position}: ${detail}`);
    this.name = 'ExpressionError';
    this.position = position;
    this.kind = kind;
    this.detail = detail;
  }
}

/** Thrown by value conversions and functions; the evaluator adds the position of the node at fault. */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}
