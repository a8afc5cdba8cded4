import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseCrsName, resolveCrs, axisOrderIsLatLon, isGeographic, isKnownCrs, sameCrs, transformer, transformBBox, invalidCrsError,
} from '../../src/data/crs.js';
import { OgcError } from '../../src/errors/ogc-error.js';

const close = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b} (±${tol})`);

describe('parseCrsName', () => {
  it('reads the spellings clients send', () => {
    for (const [text, key, epsg, lonLat] of [
      ['EPSG:4326', 'EPSG:4326', 4326, false],
      ['epsg:3857', 'EPSG:3857', 3857, false],
      ['urn:ogc:def:crs:EPSG::32633', 'EPSG:32633', 32633, false],
      ['urn:ogc:def:crs:EPSG:6.6:4326', 'EPSG:4326', 4326, false],
      ['urn:x-ogc:def:crs:EPSG:4326', 'EPSG:4326', 4326, false],
      ['http://www.opengis.net/def/crs/EPSG/0/3035', 'EPSG:3035', 3035, false],
      ['http://www.opengis.net/gml/srs/epsg.xml#4258', 'EPSG:4258', 4258, false],
      ['CRS:84', 'CRS:84', 4326, true],
      ['urn:ogc:def:crs:OGC:1.3:CRS84', 'CRS:84', 4326, true],
      ['http://www.opengis.net/def/crs/OGC/1.3/CRS84', 'CRS:84', 4326, true],
    ] as const) {
      assert.deepEqual(parseCrsName(text), { key, epsg, lonLat }, text);
    }
  });
  it('rejects anything else', () => {
    for (const text of ['', 'EPSG', 'EPSG:', 'EPSG:abc', '4326', 'ESRI:102100', 'EPSG:4326;drop', 'CRS:85', 'urn:ogc:def:crs:EPSG::']) {
      assert.equal(parseCrsName(text), null, text);
    }
  });
});

describe('resolveCrs', () => {
  it('knows any EPSG code PROJ knows', async () => {
    for (const code of [4326, 3857, 32633, 2056, 27700, 3035, 4258, 3413]) {
      const crs = await resolveCrs(`EPSG:${code}`);
      assert.equal(crs.id, `EPSG:${code}`);
      assert.equal(crs.epsg, code);
    }
    assert.equal(await isKnownCrs('EPSG:2154'), true);
  });
  it('an unknown or unusable CRS raises the code the caller asks for', async () => {
    await assert.rejects(resolveCrs('EPSG:999999'), (e: unknown) => e instanceof OgcError && e.code === 'InvalidCRS' && e.status === 400);
    await assert.rejects(resolveCrs('EPSG:999999', 'InvalidSRS', 'SRS'), (e: unknown) => e instanceof OgcError && e.code === 'InvalidSRS' && e.locator === 'SRS');
    await assert.rejects(resolveCrs('nonsense', 'InvalidSRS'), (e: unknown) => e instanceof OgcError && e.code === 'InvalidSRS');
    // A vertical CRS is no map CRS.
    await assert.rejects(resolveCrs('EPSG:5773'), (e: unknown) => e instanceof OgcError && e.code === 'InvalidCRS');
    assert.equal(await isKnownCrs('EPSG:999999'), false);
    assert.equal(invalidCrsError('x'.repeat(500)).message.length < 200, true);
  });
  it('axis order: EPSG geographic and northing-first CRSs are lat/lon, CRS:84 and web mercator are not', async () => {
    assert.equal(await axisOrderIsLatLon('EPSG:4326'), true);
    assert.equal(await axisOrderIsLatLon('urn:ogc:def:crs:EPSG::4258'), true);
    assert.equal(await axisOrderIsLatLon('EPSG:3035'), true);
    assert.equal(await axisOrderIsLatLon('CRS:84'), false);
    assert.equal(await axisOrderIsLatLon('EPSG:3857'), false);
    assert.equal(await axisOrderIsLatLon('EPSG:32633'), false);
    assert.equal(await isGeographic('EPSG:4326'), true);
    assert.equal(await isGeographic('CRS:84'), true);
    assert.equal(await isGeographic('EPSG:3857'), false);
    assert.equal(sameCrs('CRS:84', 'EPSG:4326'), true);
    assert.equal(sameCrs('EPSG:3857', 'EPSG:4326'), false);
  });
});

describe('transformer', () => {
  it('works in x/y order whatever the authority order (known coordinates)', async () => {
    const toMerc = await transformer('EPSG:4326', 'EPSG:3857');
    const p = toMerc.point(10, 50)!;
    close(p[0], 1113194.9079, 0.001, 'x');
    close(p[1], 6446275.8410, 0.001, 'y');
    const toUtm = await transformer('EPSG:4326', 'EPSG:32633');
    const u = toUtm.point(15, 52)!;
    close(u[0], 500000, 0.001, 'E');
    close(u[1], 5761038.212, 0.01, 'N');
    const back = await transformer('EPSG:32633', 'CRS:84');
    const g = back.point(500000, 5761038.212)!;
    close(g[0], 15, 1e-7, 'lon');
    close(g[1], 52, 1e-7, 'lat');
    const mercToUtm = await transformer('EPSG:3857', 'EPSG:32633');
    const mu = mercToUtm.point(p[0], p[1])!;
    const direct = toUtm.point(10, 50)!;
    close(mu[0], direct[0], 0.001);
    close(mu[1], direct[1], 0.001);
    // EPSG:3035 is northing-first in EPSG; in x/y order easting comes first (10E 52N ≈ E 4321000, N 3210000).
    const laea = (await transformer('EPSG:4326', 'EPSG:3035')).point(10, 52)!;
    close(laea[0], 4321000, 1, 'E');
    close(laea[1], 3210000, 1, 'N');
  });
  it('is cached per pair; same CRS is the identity', async () => {
    assert.equal(await transformer('EPSG:4326', 'EPSG:3857'), await transformer('EPSG:4326', 'EPSG:3857'));
    const id = await transformer('CRS:84', 'EPSG:4326');
    assert.equal(id.identity, true);
    assert.deepEqual(id.point(1, 2), [1, 2]);
  });
  it('gives null for a point it cannot transform', async () => {
    const t = await transformer('EPSG:4326', 'EPSG:3857');
    assert.equal(t.point(0, 91), null);
  });
});

describe('transformBBox', () => {
  it('web mercator world → the lat ±85.0511 lon ±180 box', async () => {
    const b = (await transformBBox({ crs: 'EPSG:3857', bounds: [-20037508.34, -20037508.34, 20037508.34, 20037508.34] }, 'EPSG:4326'))!;
    assert.equal(b.crs, 'EPSG:4326');
    close(b.bounds[0], -180, 1e-6);
    close(b.bounds[1], -85.0511, 1e-4);
    close(b.bounds[2], 180, 1e-6);
    close(b.bounds[3], 85.0511, 1e-4);
  });
  it('densifies: a UTM box maps to a lon/lat box enclosing its curved edges', async () => {
    const utm = { crs: 'EPSG:32633', bounds: [300000, 5000000, 700000, 6000000] as [number, number, number, number] };
    const b = (await transformBBox(utm, 'EPSG:4326'))!;
    const t = await transformer('EPSG:32633', 'EPSG:4326');
    // The middle of the top edge is north of both top corners in lon/lat: the box must include it.
    const midTop = t.point(500000, 6000000)!;
    assert.ok(b.bounds[3] >= midTop[1] - 1e-9);
    assert.ok(b.bounds[3] > t.point(300000, 6000000)![1]);
  });
  it('a box reaching past a projection domain keeps what transforms (bisection to the edge)', async () => {
    // 4326 lat 89..91 is partly invalid: the result ends at ~90, not at the last grid sample.
    const b = (await transformBBox({ crs: 'EPSG:4326', bounds: [0, 80, 10, 91] }, 'EPSG:4326'))!;
    assert.deepEqual(b.bounds, [0, 80, 10, 91]);
    const m = (await transformBBox({ crs: 'EPSG:4326', bounds: [0, -95, 10, 95] }, 'EPSG:3857'))!;
    assert.ok(m.bounds[3] > 20037508, 'reaches past 85.05°N');
  });
  it('a polar box containing the pole reaches 90°N over all longitudes', async () => {
    const b = (await transformBBox({ crs: 'EPSG:3413', bounds: [-1000000, -1000000, 1000000, 1000000] }, 'EPSG:4326'))!;
    assert.equal(b.bounds[3], 90);
    assert.equal(b.bounds[0], -180);
    assert.equal(b.bounds[2], 180);
  });
});
