import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFeatureType } from '../../../src/services/wfs/describe-feature-type.js';
import { getCapabilities } from '../../../src/services/wfs/get-capabilities.js';
import { getFeature } from '../../../src/services/wfs/get-feature.js';
import { WfsService } from '../../../src/services/wfs/index.js';
import { describeStoredQueries, GET_FEATURE_BY_ID, listStoredQueries } from '../../../src/services/wfs/stored-queries.js';
import { transaction } from '../../../src/services/wfs/transaction.js';
import { RESTRICTIVE, wfs, wfsPost, wfsServer, xmlObject } from './support.js';
import { list, wellFormed } from './capabilities-support.js';
import type { AccessControlFilterLike } from '../../../src/filters/access-control.js';

/** A server whose WFS also serves the stored-query operations (as src/services/index.ts would register them). */
function server(filters: AccessControlFilterLike[] = []) {
  const s = wfsServer(filters);
  s.iface.serviceRegistry().registerService(new WfsService(s.iface, s.server.data, {
    GetCapabilities: getCapabilities, DescribeFeatureType: describeFeatureType, GetFeature: getFeature, Transaction: transaction,
    ListStoredQueries: listStoredQueries, DescribeStoredQueries: describeStoredQueries,
  }));
  return s;
}

describe('WFS 2.0 stored queries', () => {
  test('ListStoredQueries: GetFeatureById returning every readable type', async () => {
    const r = await wfs(server([RESTRICTIVE]), 'VERSION=2.0.0&REQUEST=ListStoredQueries');
    assert.equal(r.status, 200, r.body);
    wellFormed(r.body);
    const sq = xmlObject(r.body)['wfs:ListStoredQueriesResponse']['wfs:StoredQuery'];
    assert.equal(sq['@id'], GET_FEATURE_BY_ID);
    assert.deepEqual(list(sq['wfs:ReturnFeatureType']), ['qgs:countries', 'qgs:cities'], 'secret is hidden');
  });

  test('DescribeStoredQueries: all, by id (KVP and POST); an unknown id is InvalidParameterValue', async () => {
    const s = server();
    for (const query of ['', `&STOREDQUERY_ID=${encodeURIComponent(GET_FEATURE_BY_ID)}`]) {
      const r = await wfs(s, `VERSION=2.0.0&REQUEST=DescribeStoredQueries${query}`);
      assert.equal(r.status, 200, r.body);
      wellFormed(r.body);
      const d = xmlObject(r.body)['wfs:DescribeStoredQueriesResponse']['wfs:StoredQueryDescription'];
      assert.equal(d['@id'], GET_FEATURE_BY_ID);
      assert.deepEqual(d['wfs:Parameter'], { '@name': 'ID', '@type': 'xs:string' });
      assert.equal(d['wfs:QueryExpressionText']['@isPrivate'], 'true');
    }
    const post = await wfsPost(s, `<DescribeStoredQueries service="WFS" version="2.0.0" xmlns="http://www.opengis.net/wfs/2.0"><StoredQueryId>${GET_FEATURE_BY_ID}</StoredQueryId></DescribeStoredQueries>`);
    assert.equal(post.status, 200, post.body);
    const bad = await wfs(s, 'VERSION=2.0.0&REQUEST=DescribeStoredQueries&STOREDQUERY_ID=urn:nope');
    assert.equal(bad.status, 400);
    assert.match(bad.body, /exceptionCode="InvalidParameterValue" locator="STOREDQUERY_ID"/);
  });

  test('WFS 1.1.0 and 1.0.0 have no stored queries', async () => {
    const s = server();
    for (const version of ['1.1.0', '1.0.0']) {
      const r = await wfs(s, `VERSION=${version}&REQUEST=ListStoredQueries`);
      assert.equal(r.status, 501);
      assert.match(r.body, /OperationNotSupported/);
    }
  });
});
