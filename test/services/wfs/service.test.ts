import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { negotiateCapabilitiesVersion, operationVersion } from '../../../src/services/wfs/version.js';
import { sniffRoot } from '../../../src/services/wfs/xml/sniff.js';
import { localTypeName, splitFeatureId } from '../../../src/services/wfs/names.js';
import { OgcError } from '../../../src/errors/ogc-error.js';
import { wfs, wfsPost, wfsServer } from './support.js';

describe('WFS version negotiation', () => {
  it('GetCapabilities: ACCEPTVERSIONS in the client order, VERSION as WFS 1.0 negotiates, highest by default', () => {
    assert.equal(negotiateCapabilitiesVersion(undefined, undefined), '2.0.0');
    assert.equal(negotiateCapabilitiesVersion(['1.1.0', '2.0.0'], undefined), '1.1.0');
    assert.equal(negotiateCapabilitiesVersion(['3.0.0', '2.0.0'], undefined), '2.0.0');
    assert.equal(negotiateCapabilitiesVersion(['2.0'], undefined), '2.0.0');
    assert.equal(negotiateCapabilitiesVersion(undefined, '1.1.0'), '1.1.0');
    assert.equal(negotiateCapabilitiesVersion(undefined, '1.5.0'), '1.1.0');
    assert.equal(negotiateCapabilitiesVersion(undefined, '9.0.0'), '2.0.0');
    assert.equal(negotiateCapabilitiesVersion(undefined, '0.9.0'), '1.0.0');
    assert.throws(() => negotiateCapabilitiesVersion(['3.0.0', '0.5'], undefined), (e: unknown) => e instanceof OgcError && e.code === 'VersionNegotiationFailed' && e.status === 400);
  });
  it('other operations: a served VERSION or none', () => {
    assert.equal(operationVersion(undefined), '2.0.0');
    assert.equal(operationVersion('1.0.0'), '1.0.0');
    assert.throws(() => operationVersion('1.2.0'), (e: unknown) => e instanceof OgcError && e.code === 'InvalidParameterValue' && e.locator === 'VERSION');
  });
});

describe('WFS names', () => {
  it('type names with and without prefix or namespace', () => {
    assert.equal(localTypeName('qgs:countries'), 'countries');
    assert.equal(localTypeName('{http://www.qgis.org/gml}countries'), 'countries');
    assert.equal(localTypeName(' countries '), 'countries');
  });
  it('feature ids: the longest matching type wins; bare ids have no type', () => {
    assert.deepEqual(splitFeatureId('a.b.7', ['a', 'a.b']), { type: 'a.b', id: '7' });
    assert.deepEqual(splitFeatureId('countries.FRA', ['countries', 'cities']), { type: 'countries', id: 'FRA' });
    assert.deepEqual(splitFeatureId('17', ['cities']), { type: null, id: '17' });
  });
});

describe('XML POST routing', () => {
  it('reads the root element past the declaration and comments', () => {
    const body = Buffer.from(`\uFEFF<?xml version="1.0"?>\n<!-- c --><wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs/2.0" service='WFS' version="2.0.0"><x/></wfs:GetFeature>`);
    assert.deepEqual(sniffRoot(body), { local: 'GetFeature', service: 'WFS', version: '2.0.0' });
    assert.equal(sniffRoot(Buffer.from('not xml')), null);
    assert.deepEqual(sniffRoot(Buffer.from('<Transaction>')), { local: 'Transaction' });
  });
  it('routes a POST without SERVICE in the URL by the root element and answers in its version', async () => {
    const s = wfsServer();
    const r = await wfsPost(s, '<wfs:Frobnicate xmlns:wfs="http://www.opengis.net/wfs/2.0" service="WFS" version="2.0.0"/>');
    assert.equal(r.status, 501);
    assert.match(r.body, /OperationNotSupported/);
    assert.match(r.body, /http:\/\/www\.opengis\.net\/ows\/1\.1/);
    const v1 = await wfsPost(s, '<wfs:Frobnicate xmlns:wfs="http://www.opengis.net/wfs" service="WFS" version="1.0.0"/>');
    assert.match(v1.body, /ServiceExceptionReport/);
  });
  it('refuses a DOCTYPE in a POSTed body before anything is expanded', async () => {
    const s = wfsServer();
    const r = await wfsPost(s, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs/2.0" service="WFS" version="2.0.0">&e;</wfs:GetFeature>');
    assert.equal(r.status, 400);
    assert.match(r.body, /OperationParsingFailed/);
    assert.doesNotMatch(r.body, /root:/);
  });
  it('an unserved VERSION is InvalidParameterValue; a missing REQUEST is MissingParameterValue', async () => {
    const s = wfsServer();
    const r = await wfs(s, 'REQUEST=GetFeature&VERSION=1.2.0&TYPENAMES=countries');
    assert.equal(r.status, 400);
    assert.match(r.body, /InvalidParameterValue/);
    assert.match(r.body, /locator="VERSION"/);
    const m = await wfs(s, 'VERSION=2.0.0');
    assert.equal(m.status, 400);
    assert.match(m.body, /MissingParameterValue/);
  });
});
