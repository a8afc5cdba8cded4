/**
 * OGC API Features Part 4 over real HTTP (the node transport on loopback): the edits by python-requests with
 * every result read back by OWSLib's Features client (transactions_client.py; OWSLib 0.27 itself cannot write),
 * and the transport's own body limit answering 413 before the request reaches the server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { clientEnv, killClients, PYTHON, run, serveOverHttp, type HttpWms } from '../../clients/support.js';
import { needTools } from '../../helpers/procs.js';
import { ROOT } from '../../support/server.js';
import { stored } from '../../services/wfs/edit-support.js';
import { editApi, type EditApi } from '../../fixtures/ogcapi-edit/support.js';

const SCRIPT = path.join(ROOT, 'test/ogcapi/features/transactions_client.py');
const tools = needTools({ python3: PYTHON });

describe('OGC API Features Part 4 over HTTP: python-requests writes, OWSLib reads', { skip: tools.skip, timeout: 120_000 }, () => {
  let s: EditApi;
  let http: HttpWms;
  before(async () => {
    tools.assertTools();
    s = await editApi([], undefined, { maxBodySize: 64 * 1024 });
    http = await serveOverHttp(s);
  });
  after(async () => {
    killClients();
    await http.close();
    await s.project.remove();
  });

  test('OPTIONS, POST in EPSG:3857, PATCH, PUT, DELETE, 415: each answer, and the feature as OWSLib reads it after', async () => {
    const r = await run(PYTHON, [SCRIPT, `${http.url}ogcapi`], { env: clientEnv(), timeoutMs: 60_000 });
    let out: Record<string, any>;
    try {
      out = JSON.parse(r.stdout) as Record<string, any>;
    } catch {
      assert.fail(`the client printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    }
    if (out['error'] !== undefined) assert.fail(`the client raised ${out['type']}: ${out['error']}\n${out['trace']}`);
    assert.deepEqual(out['conformance'], ['create-replace-delete', 'update', 'features'].map((c) => `http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/${c}`));
    assert.deepEqual(out['options'], [200, 'GET, HEAD, POST, OPTIONS', 'application/geo+json, application/json']);
    assert.deepEqual(out['create'], [201, `${http.url}ogcapi/collections/cities/items/16`]);
    assert.deepEqual(out['created'], ['Nice', [7.27, 43.7]]);
    assert.equal(out['location_get'], 'Nice');
    assert.equal(out['patch'], 204);
    assert.deepEqual(out['patched'], { name: 'Nice', country: 'FRA', population: 350000, role: null });
    assert.equal(out['put'], 204);
    assert.deepEqual(out['replaced'], [{ name: 'Nizza', country: null, population: null, role: null }, [7.26, 43.71]]);
    assert.deepEqual(out['unsupported'], [415, 'UnsupportedMediaType']);
    assert.equal(out['delete'], 204);
    assert.equal(out['gone'], 'NotFound');
    assert.equal(out['count'], 15);
    assert.equal(stored(s, 'cities').has(16), false);
    const methods = http.seen.map((x) => x.method);
    for (const m of ['OPTIONS', 'POST', 'PATCH', 'PUT', 'DELETE']) assert.ok(methods.includes(m), `${m} reached the server`);
  });

  test('a body over OWS_MAX_BODY_SIZE is 413 from the transport (its OWS exception); nothing is written', async () => {
    const before = [...stored(s, 'cities').keys()];
    const big = JSON.stringify({ type: 'Feature', geometry: null, properties: { name: 'x'.repeat(70 * 1024) } });
    const r = await fetch(`${http.url}ogcapi/collections/cities/items`, { method: 'POST', headers: { 'Content-Type': 'application/geo+json' }, body: big });
    assert.equal(r.status, 413);
    assert.match(await r.text(), /PayloadTooLarge/);
    assert.deepEqual([...stored(s, 'cities').keys()], before);
  });
});
