/**
 * CQL2 text and CQL2 JSON side by side: each row is one filter in both encodings, which must give the same
 * expression tree (and text) and select the expected sample features when the expression is evaluated;
 * the text must round-trip through Expression.parse and translate to SQL. Rows include the examples of the
 * CQL2 standard (OGC 21-065r2, Annex B) that fall in the supported classes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Expression, type FieldTypes } from '../../../src/expression/index.js';
import { CQL2_CONFORMANCE, FILTER_LANGS, parseCql2, type Cql2Options } from '../../../src/ogcapi/features/cql2/index.js';

const QUERYABLES = new Map(Object.entries({
  id: 'string', name: 'string', pop: 'integer', area: 'real', founded: 'date', updated: 'datetime', capital: 'boolean', code: 'string',
  owner: 'string', material: 'string', floors: 'integer', swimming_pool: 'boolean', note: 'string', 'ro:cloud_cover': 'real', 'weird name': 'string',
}));
const OPTIONS: Cql2Options = { queryables: QUERYABLES };

/** The field types as gdal-async names them (booleans are integers there). */
const FIELD_TYPES: FieldTypes = {
  id: 'string', name: 'string', pop: 'integer', area: 'real', founded: 'date', updated: 'datetime', capital: 'integer', code: 'string',
  owner: 'string', material: 'string', floors: 'integer', swimming_pool: 'integer', note: 'string', 'ro:cloud_cover': 'real', 'weird name': 'string',
};

/** Sample features, as the data layer gives attributes (booleans as JS booleans or 0/1, dates as ISO text). */
const FEATURES: Record<string, Record<string, unknown>> = {
  b: {
    id: 'b1', name: 'Berlin', pop: 3645000, area: 891.8, founded: '1237-10-28', updated: '2021-03-04T05:06:07Z', capital: true, code: '05',
    owner: 'Land Berlin', material: 'brick', floors: 3, swimming_pool: true, note: null, 'ro:cloud_cover': 0.1, 'weird name': 'x',
  },
  h: {
    id: 'h1', name: 'Hamburg', pop: 1841000, area: 755.2, founded: '0808-01-01', updated: '2020-01-01T00:00:00Z', capital: false, code: '10',
    owner: 'Mr Jones', material: 'concrete', floors: 8, swimming_pool: false, note: 'port', 'ro:cloud_cover': 0.2, 'weird name': 'y',
  },
  m: {
    id: 'm1', name: 'München', pop: 1472000, area: 310.4, founded: '1158-06-14', updated: '2020-06-15T12:00:00Z', capital: 0, code: '5',
    owner: 'jones & co', material: 'red brick', floors: 6, swimming_pool: 1, note: '100%', 'ro:cloud_cover': 0.5, 'weird name': 'z',
  },
  k: {
    id: 'k1', name: 'Köln', pop: 1086000, area: 405, founded: null, updated: null, capital: 0, code: 'axb',
    owner: null, material: null, floors: null, swimming_pool: null, note: "it's", 'ro:cloud_cover': null, 'weird name': null,
  },
  x: {
    id: 'fa7e1920-9107-422d-a3db-c468cbc5d6df', name: 'Ünterstadt', pop: 0, area: 0.5, founded: '2000-02-29', updated: '2000-02-29T23:59:59Z',
    capital: 0, code: 'a_b', owner: "O'Brien", material: 'Brick', floors: 1, swimming_pool: 0, note: 'C:\\path', 'ro:cloud_cover': 0.1, 'weird name': null,
  },
};
const ALL = Object.keys(FEATURES);

const P = (name: string) => ({ property: name });
const op = (o: string, ...args: unknown[]) => ({ op: o, args });

interface Row {
  name: string;
  text: string;
  json: unknown;
  /** Ids of the sample features selected, in FEATURES order. */
  ids: string[];
  /** The expression text expected, where the translation itself is the point. */
  expr?: string;
  /** Whether toSql('sqlite') is expected to push the whole filter down. */
  complete?: boolean;
}

const ROWS: Row[] = [
  // Basic CQL2: comparisons, literals of each type, precedence.
  { name: 'equal string', text: "name = 'Berlin'", json: op('=', P('name'), 'Berlin'), ids: ['b'], expr: `"name" = 'Berlin'`, complete: true },
  { name: 'not equal', text: "name <> 'Berlin'", json: op('<>', P('name'), 'Berlin'), ids: ['h', 'm', 'k', 'x'] },
  { name: 'greater than', text: 'pop > 1500000', json: op('>', P('pop'), 1500000), ids: ['b', 'h'], complete: true },
  { name: 'less than', text: 'pop < 1086000', json: op('<', P('pop'), 1086000), ids: ['x'] },
  { name: 'less or equal', text: 'pop <= 1086000', json: op('<=', P('pop'), 1086000), ids: ['k', 'x'] },
  { name: 'greater or equal', text: 'pop >= 1472000', json: op('>=', P('pop'), 1472000), ids: ['b', 'h', 'm'] },
  { name: 'real number', text: 'area = 891.8', json: op('=', P('area'), 891.8), ids: ['b'], expr: `"area" = 891.8` },
  { name: 'boolean TRUE (booleans and 0/1 attributes)', text: 'capital = TRUE', json: op('=', P('capital'), true), ids: ['b'], expr: `"capital" = 1`, complete: true },
  { name: 'boolean false, lower case', text: 'capital = false', json: op('=', P('capital'), false), ids: ['h', 'm', 'k', 'x'] },
  { name: 'literal on the left', text: "'Berlin' = name", json: op('=', 'Berlin', P('name')), ids: ['b'], expr: `'Berlin' = "name"` },
  { name: 'number on the left', text: '1500000 < pop', json: op('<', 1500000, P('pop')), ids: ['b', 'h'] },
  { name: 'DATE', text: "founded > DATE('1200-01-01')", json: op('>', P('founded'), { date: '1200-01-01' }), ids: ['b', 'x'], expr: `"founded" > '1200-01-01'` },
  { name: 'DATE equality (leap day)', text: "founded = DATE('2000-02-29')", json: op('=', P('founded'), { date: '2000-02-29' }), ids: ['x'] },
  {
    name: 'TIMESTAMP', text: "updated >= TIMESTAMP('2020-01-01T00:00:00Z')", json: op('>=', P('updated'), { timestamp: '2020-01-01T00:00:00Z' }),
    ids: ['b', 'h', 'm'], expr: `"updated" >= '2020-01-01T00:00:00Z'`,
  },
  { name: 'TIMESTAMP before', text: "updated < TIMESTAMP('2020-01-01T00:00:00Z')", json: op('<', P('updated'), { timestamp: '2020-01-01T00:00:00Z' }), ids: ['x'] },
  {
    name: 'DATE against a datetime is its UTC midnight', text: "updated > DATE('2020-01-01')", json: op('>', P('updated'), { date: '2020-01-01' }),
    ids: ['b', 'm'], expr: `"updated" > '2020-01-01T00:00:00Z'`,
  },
  {
    name: 'TIMESTAMP fraction to milliseconds', text: "updated <> TIMESTAMP('2020-06-15T12:00:00.25Z')", json: op('<>', P('updated'), { timestamp: '2020-06-15T12:00:00.25Z' }),
    ids: ['b', 'h', 'm', 'x'], expr: `"updated" <> '2020-06-15T12:00:00.250Z'`,
  },
  { name: 'IS NULL', text: 'note IS NULL', json: op('isNull', P('note')), ids: ['b'], expr: `"note" IS NULL`, complete: true },
  { name: 'IS NOT NULL', text: 'note IS NOT NULL', json: op('not', op('isNull', P('note'))), ids: ['h', 'm', 'k', 'x'], expr: `"note" IS NOT NULL` },
  { name: 'NOT … IS NULL is IS NOT NULL', text: 'NOT note IS NULL', json: op('not', op('isNull', P('note'))), ids: ['h', 'm', 'k', 'x'], expr: `"note" IS NOT NULL` },
  { name: 'IS NULL on a datetime', text: 'updated IS NULL', json: op('isNull', P('updated')), ids: ['k'] },
  {
    name: 'AND binds tighter than OR', text: "pop > 2000000 OR name = 'Hamburg' AND pop > 1000000000",
    json: op('or', op('>', P('pop'), 2000000), op('and', op('=', P('name'), 'Hamburg'), op('>', P('pop'), 1000000000))), ids: ['b'],
  },
  {
    name: 'parentheses', text: "(name = 'Berlin' OR name = 'Hamburg') AND pop < 2000000",
    json: op('and', op('or', op('=', P('name'), 'Berlin'), op('=', P('name'), 'Hamburg')), op('<', P('pop'), 2000000)), ids: ['h'],
  },
  {
    name: 'NOT binds tighter than AND', text: "NOT name = 'Berlin' AND pop > 1000000",
    json: op('and', op('not', op('=', P('name'), 'Berlin')), op('>', P('pop'), 1000000)), ids: ['h', 'm', 'k'],
  },
  {
    name: 'NOT of a parenthesised OR', text: "NOT (name = 'Berlin' OR name = 'Hamburg')",
    json: op('not', op('or', op('=', P('name'), 'Berlin'), op('=', P('name'), 'Hamburg'))), ids: ['m', 'k', 'x'],
  },
  { name: 'double NOT', text: "NOT NOT name = 'Berlin'", json: op('not', op('not', op('=', P('name'), 'Berlin'))), ids: ['b'] },
  {
    name: 'keywords in any case', text: "name = 'Berlin' and pop > 1 or name like 'K%'",
    json: op('or', op('and', op('=', P('name'), 'Berlin'), op('>', P('pop'), 1)), op('like', P('name'), 'K%')), ids: ['b', 'k'],
  },
  { name: 'TRUE', text: 'TRUE', json: true, ids: ALL, expr: 'TRUE' },
  { name: 'FALSE', text: 'false', json: false, ids: [] },
  { name: 'NOT FALSE', text: 'NOT FALSE', json: op('not', false), ids: ALL },
  { name: 'a predicate AND TRUE', text: 'pop > 1000000 AND TRUE', json: op('and', op('>', P('pop'), 1000000), true), ids: ['b', 'h', 'm', 'k'] },
  { name: 'signed number', text: 'area > -1', json: op('>', P('area'), -1), ids: ALL },
  { name: 'exponent', text: 'area < 1e1', json: op('<', P('area'), 10), ids: ['x'] },
  { name: 'leading point', text: 'area > .4', json: op('>', P('area'), 0.4), ids: ALL },
  { name: 'non-ASCII text', text: "name = 'München'", json: op('=', P('name'), 'München'), ids: ['m'] },
  { name: 'quoted property name', text: `"weird name" = 'x'`, json: op('=', P('weird name'), 'x'), ids: ['b'], expr: `"weird name" = 'x'` },
  { name: "quote doubled in a literal", text: "note = 'it''s'", json: op('=', P('note'), "it's"), ids: ['k'] },
  { name: 'quote escaped with a backslash', text: "note = 'it\\'s'", json: op('=', P('note'), "it's"), ids: ['k'] },
  { name: 'backslash escaped', text: "note = 'C:\\\\path'", json: op('=', P('note'), 'C:\\path'), ids: ['x'], expr: `"note" = 'C:\\\\path'` },
  // Annex B examples in the supported classes.
  { name: 'B: id equal (example 29)', text: `"id" = 'fa7e1920-9107-422d-a3db-c468cbc5d6df'`, json: op('=', P('id'), 'fa7e1920-9107-422d-a3db-c468cbc5d6df'), ids: ['x'] },
  { name: 'B: id not equal (example 30)', text: `"id" <> 'fa7e1920-9107-422d-a3db-c468cbc5d6df'`, json: op('<>', P('id'), 'fa7e1920-9107-422d-a3db-c468cbc5d6df'), ids: ['b', 'h', 'm', 'k'] },
  {
    name: 'B: prefixed property names (example 5a)', text: 'ro:cloud_cover=0.1 OR ro:cloud_cover=0.2',
    json: op('or', op('=', P('ro:cloud_cover'), 0.1), op('=', P('ro:cloud_cover'), 0.2)), ids: ['b', 'h', 'x'],
  },
  { name: 'B: LIKE (example 11)', text: "owner LIKE '%Jones%'", json: op('like', P('owner'), '%Jones%'), ids: ['h'] },
  {
    name: 'B: AND of OR with LIKE (example 16)', text: "swimming_pool=true AND (floors>5 \n OR  material LIKE 'brick%'\n OR  material LIKE '%brick')",
    json: op('and', op('=', P('swimming_pool'), true), op('or', op('>', P('floors'), 5), op('like', P('material'), 'brick%'), op('like', P('material'), '%brick'))),
    ids: ['b', 'm'],
  },
  { name: 'B: NOT LIKE (example 36)', text: `NOT "name" LIKE 'B%'`, json: op('not', op('like', P('name'), 'B%')), ids: ['h', 'm', 'k', 'x'], expr: `"name" NOT LIKE 'B%'` },
  { name: 'B: NOT LIKE, second spelling (example 36 alt)', text: `"name" NOT LIKE 'B%'`, json: op('not', op('like', P('name'), 'B%')), ids: ['h', 'm', 'k', 'x'] },
  { name: 'B: NOT IN (example 40)', text: `NOT "name" IN ('Berlin', 'Köln')`, json: op('not', op('in', P('name'), ['Berlin', 'Köln'])), ids: ['h', 'm', 'x'], expr: `"name" NOT IN ('Berlin', 'Köln')` },
  // Advanced comparison operators.
  { name: 'LIKE prefix', text: "name LIKE 'B%'", json: op('like', P('name'), 'B%'), ids: ['b'] },
  { name: 'LIKE suffix', text: "name LIKE '%n'", json: op('like', P('name'), '%n'), ids: ['b', 'm', 'k'] },
  { name: 'LIKE without wildcards', text: "material LIKE 'brick'", json: op('like', P('material'), 'brick'), ids: ['b'] },
  { name: 'LIKE _ matches one character', text: "code LIKE 'a_b'", json: op('like', P('code'), 'a_b'), ids: ['k', 'x'] },
  { name: 'LIKE \\_ is a literal underscore', text: "code LIKE 'a\\_b'", json: op('like', P('code'), 'a\\_b'), ids: ['x'], expr: `"code" LIKE 'a\\\\_b'` },
  { name: 'LIKE \\% is a literal percent', text: "note LIKE '100\\%'", json: op('like', P('note'), '100\\%'), ids: ['m'] },
  { name: 'NOT LIKE leaves NULLs out', text: "owner NOT LIKE '%Jones%'", json: op('not', op('like', P('owner'), '%Jones%')), ids: ['b', 'm', 'x'] },
  { name: 'BETWEEN', text: 'pop BETWEEN 1000000 AND 1500000', json: op('between', P('pop'), 1000000, 1500000), ids: ['m', 'k'], expr: `"pop" BETWEEN 1000000 AND 1500000`, complete: true },
  { name: 'NOT BETWEEN', text: 'pop NOT BETWEEN 1000000 AND 1500000', json: op('not', op('between', P('pop'), 1000000, 1500000)), ids: ['b', 'h', 'x'] },
  { name: 'NOT … BETWEEN is NOT BETWEEN', text: 'NOT pop BETWEEN 1000000 AND 1500000', json: op('not', op('between', P('pop'), 1000000, 1500000)), ids: ['b', 'h', 'x'] },
  { name: 'BETWEEN reals', text: 'area BETWEEN 300 AND 800.5', json: op('between', P('area'), 300, 800.5), ids: ['h', 'm', 'k'] },
  {
    name: 'BETWEEN dates', text: "founded BETWEEN DATE('1000-01-01') AND DATE('1500-01-01')",
    json: op('between', P('founded'), { date: '1000-01-01' }, { date: '1500-01-01' }), ids: ['b', 'm'],
  },
  { name: 'IN strings', text: "name IN ('Berlin', 'Köln')", json: op('in', P('name'), ['Berlin', 'Köln']), ids: ['b', 'k'], complete: true },
  { name: 'NOT IN', text: "name NOT IN ('Berlin', 'Köln')", json: op('not', op('in', P('name'), ['Berlin', 'Köln'])), ids: ['h', 'm', 'x'] },
  { name: 'IN numbers', text: 'pop IN (0, 1086000)', json: op('in', P('pop'), [0, 1086000]), ids: ['k', 'x'], expr: `"pop" IN (0, 1086000)` },
  { name: 'IN booleans', text: 'capital IN (TRUE)', json: op('in', P('capital'), [true]), ids: ['b'], expr: `"capital" IN (1)` },
  // Literals converted to the queryable's type.
  { name: 'number against text', text: 'code = 5', json: op('=', P('code'), 5), ids: ['m'], expr: `"code" = '5'`, complete: true },
  { name: 'numeric text against a number', text: "pop = '3645000'", json: op('=', P('pop'), '3645000'), ids: ['b'], expr: `"pop" = 3645000`, complete: true },
  { name: 'numeric text in IN', text: "pop IN ('0', 1086000)", json: op('in', P('pop'), ['0', 1086000]), ids: ['k', 'x'], expr: `"pop" IN (0, 1086000)` },
  { name: 'real text against a real', text: "area = '891.8'", json: op('=', P('area'), '891.8'), ids: ['b'] },
  { name: "'true' against a boolean", text: "capital = 'true'", json: op('=', P('capital'), 'true'), ids: ['b'], expr: `"capital" = 1` },
  { name: '1 against a boolean', text: 'swimming_pool = 1', json: op('=', P('swimming_pool'), 1), ids: ['b', 'm'] },
  { name: 'date text against a date', text: "founded = '2000-02-29'", json: op('=', P('founded'), '2000-02-29'), ids: ['x'], expr: `"founded" = '2000-02-29'` },
  { name: 'timestamp text against a datetime', text: "updated = '2020-01-01T00:00:00Z'", json: op('=', P('updated'), '2020-01-01T00:00:00Z'), ids: ['h'] },
  { name: 'date text against a datetime', text: "updated < '2020-01-01'", json: op('<', P('updated'), '2020-01-01'), ids: ['x'], expr: `"updated" < '2020-01-01T00:00:00Z'` },
  // Case-insensitive comparison.
  { name: 'CASEI equality becomes ILIKE', text: "CASEI(name) = CASEI('BERLIN')", json: op('=', op('casei', P('name')), op('casei', 'BERLIN')), ids: ['b'], expr: `"name" ILIKE 'BERLIN'`, complete: true },
  { name: 'CASEI on the left literal', text: "CASEI('berlin') = CASEI(name)", json: op('=', op('casei', 'berlin'), op('casei', P('name'))), ids: ['b'], expr: `"name" ILIKE 'berlin'` },
  { name: 'CASEI inequality', text: "CASEI(name) <> CASEI('berlin')", json: op('<>', op('casei', P('name')), op('casei', 'berlin')), ids: ['h', 'm', 'k', 'x'], expr: `"name" NOT ILIKE 'berlin'` },
  { name: 'CASEI equality escapes wildcards', text: "CASEI(code) = CASEI('A_B')", json: op('=', op('casei', P('code')), op('casei', 'A_B')), ids: ['x'], expr: `"code" ILIKE 'A\\\\_B'` },
  { name: 'CASEI LIKE becomes ILIKE', text: "CASEI(owner) LIKE CASEI('%jones%')", json: op('like', op('casei', P('owner')), op('casei', '%jones%')), ids: ['h', 'm'], expr: `"owner" ILIKE '%jones%'` },
  { name: 'CASEI NOT LIKE', text: "CASEI(owner) NOT LIKE CASEI('%JONES%')", json: op('not', op('like', op('casei', P('owner')), op('casei', '%JONES%'))), ids: ['b', 'x'] },
  {
    name: 'CASEI in IN lists', text: "CASEI(name) IN (CASEI('berlin'), CASEI('HAMBURG'))", json: op('in', op('casei', P('name')), [op('casei', 'berlin'), op('casei', 'HAMBURG')]),
    ids: ['b', 'h'], expr: `lower("name") IN ('berlin', 'hamburg')`,
  },
  { name: 'CASEI on one side only', text: "CASEI(material) = 'brick'", json: op('=', op('casei', P('material')), 'brick'), ids: ['b', 'x'], expr: `lower("material") = 'brick'` },
  { name: 'CASEI value, case-sensitive pattern', text: "CASEI(name) LIKE 'b%'", json: op('like', op('casei', P('name')), 'b%'), ids: ['b'], expr: `lower("name") LIKE 'b%'` },
  { name: 'CASEI non-ASCII', text: "CASEI(name) = CASEI('MÜNCHEN')", json: op('=', op('casei', P('name')), op('casei', 'MÜNCHEN')), ids: ['m'] },
  // Property-property.
  { name: 'two properties', text: 'floors < pop', json: op('<', P('floors'), P('pop')), ids: ['b', 'h', 'm'], expr: `"floors" < "pop"` },
];

function matching(e: Expression | null): string[] {
  return ALL.filter((id) => (e === null ? true : e.test(FEATURES[id])));
}

describe('CQL2 text and JSON give the same filter', () => {
  it(`has a broad table (${ROWS.length} filters)`, () => {
    assert.ok(ROWS.length >= 60);
    assert.equal(new Set(ROWS.map((r) => r.name)).size, ROWS.length, 'row names are unique');
  });

  for (const row of ROWS) {
    it(row.name, () => {
      const text = parseCql2(row.text, 'cql2-text', OPTIONS);
      const json = parseCql2(JSON.stringify(row.json), 'cql2-json', OPTIONS);
      assert.deepEqual(text.spatial, []);
      assert.deepEqual(json.spatial, []);
      assert.ok(text.expression && json.expression);
      assert.equal(json.expression.text, text.expression.text);
      assert.deepEqual(json.expression.root, text.expression.root);
      if (row.expr !== undefined) assert.equal(text.expression.text, row.expr);
      assert.deepEqual(matching(text.expression), row.ids, 'text');
      assert.deepEqual(matching(json.expression), row.ids, 'json');
      // The items handler passes expression.text on: it must parse back to the same tree and push down.
      assert.deepEqual(Expression.parse(text.expression.text).root, text.expression.root);
      const sql = text.expression.toSql('sqlite', FIELD_TYPES);
      if (row.complete !== undefined) assert.equal(sql.complete, row.complete, `toSql: ${sql.where} / ${sql.residual?.text}`);
      Expression.parse(text.expression.text).toSql('ogr', FIELD_TYPES);
    });
  }
});

describe('parseCql2', () => {
  it('lists the conformance classes it implements, and only those', () => {
    for (const uri of CQL2_CONFORMANCE) assert.match(uri, /^http:\/\/www\.opengis\.net\/spec\/cql2\/1\.0\/conf\/[a-z0-9-]+$/);
    assert.ok(CQL2_CONFORMANCE.includes('http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2'));
    assert.ok(CQL2_CONFORMANCE.includes('http://www.opengis.net/spec/cql2/1.0/conf/cql2-json'));
    for (const missing of ['accent-insensitive-comparison', 'arithmetic', 'functions', 'temporal-functions', 'array-functions']) {
      assert.ok(!CQL2_CONFORMANCE.some((u) => u.endsWith(`/${missing}`)), missing);
    }
    assert.deepEqual(FILTER_LANGS, ['cql2-text', 'cql2-json']);
  });

  it('flattens nested ANDs and keeps their order', () => {
    const f = parseCql2("name = 'a' AND (pop > 1 AND (area < 2 AND code = 'c'))", 'cql2-text', OPTIONS);
    assert.equal(f.expression?.text, `"name" = 'a' AND "pop" > 1 AND "area" < 2 AND "code" = 'c'`);
  });

  it('accepts whitespace of every kind and line breaks', () => {
    const f = parseCql2("\tname\n=\r\n'Berlin'\u00a0AND\u2003pop>1", 'cql2-text', OPTIONS);
    assert.equal(f.expression?.text, `"name" = 'Berlin' AND "pop" > 1`);
  });

  it('keeps control characters from escapes', () => {
    const f = parseCql2("note = 'a\\tb\\nc\\rd'", 'cql2-text', OPTIONS);
    assert.ok(f.expression?.test({ note: 'a\tb\nc\rd' }));
    assert.ok(!f.expression?.test({ note: 'atbncrd' }));
  });

  it('ignores JSON members it does not know and matches operator names in any case', () => {
    const f = parseCql2(JSON.stringify({ op: 'AND', args: [op('IsNull', P('note')), op('=', P('name'), 'x')], comment: 'ignored' }), 'cql2-json', OPTIONS);
    assert.equal(f.expression?.text, `"note" IS NULL AND "name" = 'x'`);
  });

  it('uses the queryable names exactly (no case folding)', () => {
    assert.throws(() => parseCql2("NAME = 'Berlin'", 'cql2-text', OPTIONS), /unknown property 'NAME'/);
  });

  it('lets a property be called like a CQL2 function when it is not called', () => {
    const queryables = new Map([['date', 'date'], ['point', 'string'], ['casei', 'string']]);
    const f = parseCql2("date = DATE('2020-01-01') AND point = 'p' AND casei = 'c'", 'cql2-text', { queryables });
    assert.equal(f.expression?.text, `"date" = '2020-01-01' AND "point" = 'p' AND "casei" = 'c'`);
  });

  it('compares literals of unknown field types as they are written', () => {
    const queryables = new Map([['t', 'time'], ['l', 'stringlist']]);
    const f = parseCql2("t > '10:00:00' AND l = 5", 'cql2-text', { queryables });
    assert.equal(f.expression?.text, `"t" > '10:00:00' AND "l" = 5`);
  });
});
