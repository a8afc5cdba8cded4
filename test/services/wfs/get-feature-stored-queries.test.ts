/** ListStoredQueries / DescribeStoredQueries (src/services/wfs/stored-queries.ts) through the registered WFS service. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESTRICTIVE, wfs, wfsPost, wfsServer, xmlObject } from './support.js';
import { assertException } from './get-feature-helpers.js';

function server(filters = [RESTRICTIVE]) {
  return wfsServer(filters);
}

test('ListStoredQueries: GetFeatureById returning the readable types only', async () => {
  const r = await wfs(server(), 'VERSION=2.0.0&REQUEST=ListStoredQueries');
  assert.equal(r.status, 200, r.body);
  const doc = xmlObject(r.body)['wfs:ListStoredQueriesResponse'];
  const sq = doc['wfs:StoredQuery'];
  assert.equal(sq['@id'], 'urn:ogc:def:query:OGC-WFS::GetFeatureById');
  assert.deepEqual(sq['wfs:ReturnFeatureType'], ['qgs:countries', 'qgs:cities']);
  assert.match((await wfs(server([]), 'VERSION=2.0.0&REQUEST=ListStoredQueries')).body, /qgs:secret/);
});

test('DescribeStoredQueries: the ID parameter; KVP and POST; an unknown id is InvalidParameterValue', async () => {
  const s = server();
  for (const r of [
    await wfs(s, 'VERSION=2.0.0&REQUEST=DescribeStoredQueries'),
    await wfs(s, 'VERSION=2.0.0&REQUEST=DescribeStoredQueries&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById'),
    await wfsPost(s, '<wfs:DescribeStoredQueries service="WFS" version="2.0.0" xmlns:wfs="http://www.opengis.net/wfs/2.0"><wfs:StoredQueryId>urn:ogc:def:query:OGC-WFS::GetFeatureById</wfs:StoredQueryId></wfs:DescribeStoredQueries>'),
  ]) {
    assert.equal(r.status, 200, r.body);
    const d = xmlObject(r.body)['wfs:DescribeStoredQueriesResponse']['wfs:StoredQueryDescription'];
    assert.equal(d['wfs:Parameter']['@name'], 'ID');
    assert.equal(d['wfs:QueryExpressionText']['@returnFeatureTypes'], 'qgs:countries qgs:cities');
  }
  assertException(await wfs(s, 'VERSION=2.0.0&REQUEST=DescribeStoredQueries&STOREDQUERY_ID=urn:x'), 'InvalidParameterValue', 'STOREDQUERY_ID');
  assertException(await wfs(s, 'VERSION=1.1.0&REQUEST=ListStoredQueries'), 'OperationNotSupported', 'REQUEST', 501);
});
