// The Transaction response documents of the three versions, and the KVP per-type value split.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EditResult } from '../../../src/data/index.js';
import { OgcError } from '../../../src/errors/ogc-error.js';
import { perType } from '../../../src/services/wfs/transaction-kvp.js';
import { insertedGroups, transactionResponse } from '../../../src/services/wfs/transaction-response.js';
import { xmlObject } from './support.js';

const RESULT: EditResult = {
  inserted: [{ layer: 'cities', handle: 'a', ids: [16, 17] }, { layer: 'countries', handle: 'a', ids: ['ATL'] }, { layer: 'cities', ids: [18] }],
  updated: 3,
  deleted: 4,
};
// The first two insert actions come from the first wfs:Insert, the third from the second.
const GROUPS = insertedGroups(RESULT, [0, 0, 1]);

test('insertedGroups: ids as <type>.<id>, handles and sources kept', () => {
  assert.deepEqual(GROUPS, [
    { handle: 'a', source: 0, fids: ['cities.16', 'cities.17'] },
    { handle: 'a', source: 0, fids: ['countries.ATL'] },
    { source: 1, fids: ['cities.18'] },
  ]);
});

test('1.0.0: WFS_TransactionResponse, one InsertResult per wfs:Insert, SUCCESS', () => {
  const doc = xmlObject(transactionResponse('1.0.0', RESULT, GROUPS));
  const root = doc['wfs:WFS_TransactionResponse'];
  assert.equal(root['@xmlns:wfs'], 'http://www.opengis.net/wfs');
  assert.equal(root['@version'], '1.0.0');
  assert.deepEqual(root['wfs:InsertResult'], [
    { '@handle': 'a', 'ogc:FeatureId': [{ '@fid': 'cities.16' }, { '@fid': 'cities.17' }, { '@fid': 'countries.ATL' }] },
    { 'ogc:FeatureId': { '@fid': 'cities.18' } },
  ]);
  assert.deepEqual(root['wfs:TransactionResult'], { 'wfs:Status': { 'wfs:SUCCESS': {} } });
});

test('1.1.0: TransactionSummary, InsertResults/Feature[@handle]/ogc:FeatureId', () => {
  const root = xmlObject(transactionResponse('1.1.0', RESULT, GROUPS))['wfs:TransactionResponse'];
  assert.equal(root['@xmlns:wfs'], 'http://www.opengis.net/wfs');
  assert.equal(root['@version'], '1.1.0');
  assert.deepEqual(root['wfs:TransactionSummary'], { 'wfs:totalInserted': '4', 'wfs:totalUpdated': '3', 'wfs:totalDeleted': '4' });
  assert.deepEqual(root['wfs:InsertResults']['wfs:Feature'], [
    { '@handle': 'a', 'ogc:FeatureId': { '@fid': 'cities.16' } },
    { '@handle': 'a', 'ogc:FeatureId': { '@fid': 'cities.17' } },
    { '@handle': 'a', 'ogc:FeatureId': { '@fid': 'countries.ATL' } },
    { 'ogc:FeatureId': { '@fid': 'cities.18' } },
  ]);
  assert.equal(root['wfs:TransactionResults'], undefined);
});

test('2.0.0: WFS 2.0 namespace, fes:ResourceId rid; no InsertResults when nothing was inserted', () => {
  const body = transactionResponse('2.0.0', RESULT, GROUPS);
  const root = xmlObject(body)['wfs:TransactionResponse'];
  assert.equal(root['@xmlns:wfs'], 'http://www.opengis.net/wfs/2.0');
  assert.equal(root['@xmlns:fes'], 'http://www.opengis.net/fes/2.0');
  assert.equal(root['@version'], '2.0.0');
  assert.match(root['@xsi:schemaLocation'], /wfs\/2.0.0\/wfs.xsd/);
  assert.equal(root['wfs:InsertResults']['wfs:Feature'][2]['fes:ResourceId']['@rid'], 'countries.ATL');
  const none = xmlObject(transactionResponse('2.0.0', { inserted: [], updated: 0, deleted: 1 }, []))['wfs:TransactionResponse'];
  assert.deepEqual(none['wfs:TransactionSummary'], { 'wfs:totalInserted': '0', 'wfs:totalUpdated': '0', 'wfs:totalDeleted': '1' });
  assert.equal(none['wfs:InsertResults'], undefined);
});

test('perType: one value per type in top-level parentheses; parentheses inside a value are kept', () => {
  assert.deepEqual(perType('"a" = 1', 1, 'EXP_FILTER'), ['"a" = 1']);
  assert.deepEqual(perType('("a" = 1) AND ("b" = 2)', 1, 'EXP_FILTER'), ['("a" = 1) AND ("b" = 2)']);
  assert.deepEqual(perType('("a" IN (1, 2))', 1, 'EXP_FILTER'), ['"a" IN (1, 2)']);
  assert.deepEqual(perType('("a" IN (1, 2))(<Filter/>)', 2, 'FILTER'), ['"a" IN (1, 2)', '<Filter/>']);
  assert.throws(() => perType('(a)', 2, 'FILTER'), (e: OgcError) => e.code === 'InvalidParameterValue' && e.locator === 'FILTER');
  assert.throws(() => perType('(a)(b', 2, 'FILTER'), (e: OgcError) => e.code === 'InvalidParameterValue');
});
