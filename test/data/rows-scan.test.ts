/**
 * The page-bytes scanner of the GeoPackage rows reader (rows-scan.ts) reads what JSON.parse reads from the JSON
 * SQLite writes: random rows of integers, texts (escapes, controls, non-ASCII), reals as quote()'s text, hex;
 * and refuses bytes that are not such rows.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CellKind, RowsScanError, realAt, scanRows } from '../../src/data/rows-scan.js';

/** A seeded generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** quote()'s text of a real as SQLite writes it ("%!.15g", or 17 digits where 15 do not round-trip). */
function quoteReal(v: number): string {
  let s = v.toPrecision(15);
  if (Number(s) !== v) s = v.toPrecision(17);
  if (s.includes('e')) {
    const [m, e] = s.split('e');
    const mant = m!.includes('.') ? m!.replace(/0+$/, '').replace(/\.$/, '.0') : `${m}.0`;
    return `${mant}e${e!.startsWith('-') ? '-' : '+'}${e!.replace(/^[+-]/, '').padStart(2, '0')}`;
  }
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '.0') : `${s}.0`;
}

describe('rows-scan', () => {
  it('reads what JSON.parse reads, on 20,000 random rows', () => {
    const rand = rng(7);
    const kinds = [CellKind.Integer, CellKind.Integer, CellKind.Text, CellKind.Real, CellKind.Hex];
    const chars = ['a', 'Z', ' ', '"', '\\', '\n', '\t', '\u0001', '\u001f', '/', 'é', 'ø', '日', '🗺', ']', ',', '['];
    const rows: unknown[][] = [];
    for (let r = 0; r < 20_000; r++) {
      const big = rand() < 0.1;
      const int = Math.floor((rand() - 0.5) * (big ? 2 ** 60 : 1e6));
      const text = rand() < 0.1 ? null : Array.from({ length: Math.floor(rand() * 12) }, () => chars[Math.floor(rand() * chars.length)]).join('');
      const exp = Math.floor(rand() * 40) - 20;
      const real = rand() < 0.1 ? 'NULL' : quoteReal((rand() - 0.5) * 10 ** exp);
      const hex = rand() < 0.1 ? '' : Array.from({ length: 32 }, () => '0123456789ABCDEF'[Math.floor(rand() * 16)]).join('');
      rows.push([r + 1, rand() < 0.1 ? null : int, text, real, hex]);
    }
    const json = JSON.stringify(rows);
    const bytes = Buffer.from(json);
    const scanned = scanRows(bytes, kinds);
    assert.equal(scanned.length, rows.length);
    const parsed = JSON.parse(json) as unknown[][];
    for (let r = 0; r < rows.length; r++) {
      const row = parsed[r]!;
      assert.equal(scanned.value(0, r), row[0]);
      assert.equal(scanned.value(1, r), row[1], `row ${r} integer`);
      assert.equal(scanned.value(2, r), row[2], `row ${r} text`);
      const real = row[3] === 'NULL' ? null : Number(row[3]);
      assert.ok(Object.is(scanned.value(3, r), real), `row ${r} real ${String(row[3])}: ${String(scanned.value(3, r))}`);
      assert.equal(scanned.value(4, r), row[4]);
      const start = scanned.start[4]![r]!, end = scanned.end[4]![r]!;
      assert.equal(bytes.toString('latin1', start, end), row[4]);
    }
  });

  it('reals: exact for short decimals, Number() for the rest; NULL; infinities refused', () => {
    const at = (s: string) => realAt(Buffer.from(s), 0, s.length);
    for (const s of ['0.0', '-0.0', '1778.8', '-200.5', '0.30000000000000004', '1.0e+20', '1.5e-07', '123456789012345.0', '9.00719925474099e+15', '1.7976931348623157e+308', '4.94065645841247e-324']) {
      assert.ok(Object.is(at(s), Number(s)), s);
    }
    assert.equal(at('NULL'), null);
    assert.throws(() => at('9.0e+999'), RowsScanError);
    assert.throws(() => at('-9.0e+999'), RowsScanError);
  });

  it('an empty page, a page without geometry, and bytes that are not such rows', () => {
    assert.equal(scanRows(Buffer.from('[]'), [CellKind.Integer]).length, 0);
    const two = scanRows(Buffer.from('[[1,"a"],[2,null]]'), [CellKind.Integer, CellKind.Text]);
    assert.deepEqual([two.value(0, 0), two.value(1, 0), two.value(0, 1), two.value(1, 1)], [1, 'a', 2, null]);
    const kinds = [CellKind.Integer, CellKind.Text];
    for (const bad of ['', '[', '[[1,"a"]', '[[1,"a"],]', '[[1,2]]', '[[1,"a",3]]', '[[1]]', '[["x","a"]]', '[[1,"a"]] ', '[[1,"a]]', '[[1,nul]]', '{"a":1}', '[[-,"a"]]']) {
      assert.throws(() => scanRows(Buffer.from(bad), kinds), RowsScanError, JSON.stringify(bad));
    }
    assert.throws(() => scanRows(Buffer.from('[["1.5"]]'), [CellKind.Hex, CellKind.Hex]), RowsScanError);
    assert.throws(() => scanRows(Buffer.from('[[1.5]]'), [CellKind.Real]), RowsScanError);
    for (const bad of ['""', '"--5.0"', '"-"', '" 5.0"', '"NUL1"']) assert.throws(() => scanRows(Buffer.from(`[[${bad}]]`), [CellKind.Real]), RowsScanError, bad);
    for (const bad of ['--5', '-', '1x']) assert.throws(() => scanRows(Buffer.from(`[[${bad}]]`), [CellKind.Integer]), RowsScanError, bad);
  });
});
