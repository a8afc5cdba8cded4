import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Expression } from '../../../src/expression/index.js';
import { datetimeFilter, parseDatetime, parseTimestamp, timeText } from '../../../src/ogcapi/features/datetime.js';

const DAY = { name: 'd', alias: 'd', type: 'date' };
const STAMP = { name: 't', alias: 't', type: 'dateTime' };
const TEXT = { name: 's', alias: 's', type: 'string' };

/** Which of the values a datetime value selects on a field. */
function select(field: { name: string; alias: string; type: string }, q: string, values: Array<string | null>): Array<string | null> {
  const e = Expression.fromNode(datetimeFilter(field, parseDatetime(q)));
  assert.deepEqual(Expression.parse(e.text).root, e.root, 'the filter text parses back to the same tree');
  return values.filter((v) => e.test({ [field.name]: v }));
}

describe('datetime: parsing', () => {
  test('RFC 3339 dates and date-times, offsets converted to UTC', () => {
    assert.deepEqual(parseTimestamp('2024-06-21'), { date: '2024-06-21', time: '2024-06-21T00:00:00', dateOnly: true });
    assert.deepEqual(parseTimestamp('2024-06-21T12:30:05Z'), { date: '2024-06-21', time: '2024-06-21T12:30:05', dateOnly: false });
    assert.deepEqual(parseTimestamp('2024-06-21t12:30:05.999z'), { date: '2024-06-21', time: '2024-06-21T12:30:05', dateOnly: false });
    assert.deepEqual(parseTimestamp('2024-06-21T01:00:00+02:00'), { date: '2024-06-20', time: '2024-06-20T23:00:00', dateOnly: false });
    assert.deepEqual(parseTimestamp('2024-12-31T23:30:00-01:00'), { date: '2025-01-01', time: '2025-01-01T00:30:00', dateOnly: false });
    assert.deepEqual(parseTimestamp('2024-02-29'), { date: '2024-02-29', time: '2024-02-29T00:00:00', dateOnly: true });
    for (const bad of ['2023-02-29', '2024-13-01', '2024-00-10', '2024-06-31', '2024-06-21T24:00:00Z', '2024-06-21T12:60:00Z', '2024-06-21T12:00:60Z',
      '2024-06-21T12:00:00', '2024-06-21T12:00Z', '2024-06-21T12:00:00+25:00', '2024-06-21T12:00:00+02:70', '24-06-21', '2024/06/21', 'now', '']) {
      assert.equal(parseTimestamp(bad), null, bad);
    }
  });

  test('instants and intervals; open ends as .. or empty', () => {
    assert.equal(parseDatetime('2024-06-21').kind, 'instant');
    assert.deepEqual(parseDatetime('../2024-06-21'), { kind: 'interval', start: null, end: parseTimestamp('2024-06-21') });
    assert.deepEqual(parseDatetime('2024-06-21/'), { kind: 'interval', start: parseTimestamp('2024-06-21'), end: null });
    assert.deepEqual(parseDatetime('../..'), { kind: 'interval', start: null, end: null });
    assert.deepEqual(parseDatetime('/'), { kind: 'interval', start: null, end: null });
    assert.equal(parseDatetime('2024-06-21T10:00:00Z/2024-06-21T10:00:00Z').kind, 'interval');
  });

  test('errors name datetime and say what is wrong', () => {
    for (const [text, why] of [
      ['soon', /is not an RFC 3339 date or date-time/],
      ['2024-06-21/2024-06-20', /ends before it starts/],
      ['2024-06-21T10:00:00Z/2024-06-21T09:59:59Z', /ends before it starts/],
      ['2024-06-21T10:00:00-01:00/2024-06-21T10:30:00Z', /ends before it starts/],
      ['2024-06-21/later', /interval end 'later'/],
      ['a/b/c', /more than one "\/"/],
    ] as const) {
      assert.throws(() => parseDatetime(text), (err: Error & { locator?: string }) => err.locator === 'datetime' && why.test(err.message), text);
    }
  });
});

describe('datetime: filters', () => {
  const days = ['2024-06-20', '2024-06-21', '2024-06-22', null];
  const stamps = ['2024-06-21T00:00:00Z', '2024-06-21T08:00:00Z', '2024-06-21T23:59:59Z', '2024-06-22T00:00:00Z', '2024-06-21T08:00:00', null];

  test('a Date field is compared by day', () => {
    assert.deepEqual(select(DAY, '2024-06-21', days), ['2024-06-21']);
    assert.deepEqual(select(DAY, '2024-06-21T22:00:00-03:00', days), ['2024-06-22']);
    assert.deepEqual(select(DAY, '2024-06-21/..', days), ['2024-06-21', '2024-06-22']);
    assert.deepEqual(select(DAY, '../2024-06-21T00:00:00Z', days), ['2024-06-20', '2024-06-21']);
    assert.deepEqual(select(DAY, '../..', days), ['2024-06-20', '2024-06-21', '2024-06-22']);
  });

  test('a DateTime field is compared to the second; a date bound is its whole day', () => {
    assert.deepEqual(select(STAMP, '2024-06-21', stamps), ['2024-06-21T00:00:00Z', '2024-06-21T08:00:00Z', '2024-06-21T23:59:59Z', '2024-06-21T08:00:00']);
    assert.deepEqual(select(STAMP, '2024-06-21T08:00:00Z', stamps), ['2024-06-21T08:00:00Z', '2024-06-21T08:00:00']);
    assert.deepEqual(select(STAMP, '2024-06-21T08:00:00.750Z', stamps), ['2024-06-21T08:00:00Z', '2024-06-21T08:00:00']);
    assert.deepEqual(select(STAMP, '2024-06-21T09:00:00Z/..', stamps), ['2024-06-21T23:59:59Z', '2024-06-22T00:00:00Z']);
    assert.deepEqual(select(STAMP, '../2024-06-20', stamps), []);
    assert.deepEqual(select(STAMP, '2024-06-22/2024-06-22', stamps), ['2024-06-22T00:00:00Z']);
  });

  test('a text field holding dates counts a date as its midnight', () => {
    assert.deepEqual(select(TEXT, '2024-06-21', ['2024-06-21', '2024-06-21T12:00:00Z', '2024-06-22', 'not a date']), ['2024-06-21', '2024-06-21T12:00:00Z']);
    assert.deepEqual(select(TEXT, '2024-06-21T00:00:00Z/..', ['2024-06-20', '2024-06-21', '2024-06-22']), ['2024-06-21', '2024-06-22']);
  });
});

describe('timeText', () => {
  test('temporal values as RFC 3339 UTC date-times', () => {
    assert.equal(timeText('2024-06-21'), '2024-06-21T00:00:00Z');
    assert.equal(timeText('2024-06-21T10:00:00Z'), '2024-06-21T10:00:00Z');
    assert.equal(timeText('2024-06-21T10:00:00'), '2024-06-21T10:00:00Z');
    assert.equal(timeText('2024-06-21T10:00:00+02:00'), '2024-06-21T08:00:00Z');
    assert.equal(timeText('June'), null);
    assert.equal(timeText(20240621), null);
    assert.equal(timeText(null), null);
  });
});
