/** The filter expression language: a documented subset of QGIS expressions (see README.md). */
export { ExpressionError, type ExpressionErrorKind } from './errors.js';
export { Expression, andExpressions, type FeatureLike, type SqlTranslation } from './expression.js';
export type { FieldTypes } from './sql.js';
export type { SqlDialect } from './sql-pattern.js';
export type { Value, Node } from './ast.js';
export { MAX_EXPRESSION_LENGTH } from './lexer.js';
export { MAX_DEPTH } from './ast.js';
export { FUNCTIONS } from './functions.js';
