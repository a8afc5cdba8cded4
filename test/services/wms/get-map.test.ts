import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call } from '../../support/server.js';
import { RESTRICTIVE, png, pixel, wmsServer, xmlObject } from './support.js';

const BRAZIL: [number, number, number] = [0x80, 0xb1, 0xd3]; // South America in the continents style
const EUROPE: [number, number, number] = [0x8d, 0xd3, 0xc7];
const rgb = (p: number[]) => p.slice(0, 3);

/** World map in EPSG:4326, one pixel per degree: lon -55, lat -10 (inner Brazil) is pixel (125, 100). */
const world111 = 'SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&SRS=EPSG:4326&BBOX=-180,-90,180,90&WIDTH=360&HEIGHT=180&FORMAT=image/png';
const world130 = 'SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&CRS=EPSG:4326&BBOX=-90,-180,90,180&WIDTH=360&HEIGHT=180&FORMAT=image/png';

describe('GetMap draws', () => {
  test('1.1.1 x/y and 1.3.0 lat/lon for EPSG:4326 give the same map', async () => {
    const { server } = wmsServer();
    const a = await call(server, `/?${world111}&LAYERS=countries`);
    const b = await call(server, `/?${world130}&LAYERS=countries`);
    assert.equal(a.status, 200, a.body.slice(0, 300));
    assert.equal(a.headers['Content-Type'], 'image/png');
    const ia = png(a.response.body());
    const ib = png(b.response.body());
    assert.deepEqual([ia.width, ia.height], [360, 180]);
    assert.deepEqual(rgb(pixel(ia, 125, 100)), BRAZIL);
    assert.deepEqual(rgb(pixel(ia, 182, 43)), EUROPE, 'France');
    assert.deepEqual(rgb(pixel(ia, 180, 90)), [255, 255, 255], 'the Gulf of Guinea is background');
    assert.ok(Buffer.compare(ia.data, ib.data) === 0, 'identical pixels');
  });

  test('EPSG:3857 reprojects', async () => {
    const { server } = wmsServer();
    const r = await call(server, '/?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=countries&STYLES=&CRS=EPSG:3857&BBOX=-20037508.34,-20037508.34,20037508.34,20037508.34&WIDTH=512&HEIGHT=512&FORMAT=image/png');
    assert.equal(r.status, 200);
    assert.deepEqual(rgb(pixel(png(r.response.body()), 178, 270)), BRAZIL);
  });

  test('a named style, a group, TRANSPARENT and BGCOLOR', async () => {
    const { server } = wmsServer();
    const outline = png((await call(server, `/?${world111}&LAYERS=countries&STYLES=outline`)).response.body());
    assert.deepEqual(rgb(pixel(outline, 125, 100)), [255, 255, 255], 'the outline style does not fill');
    const group = png((await call(server, `/?${world111}&LAYERS=world`)).response.body());
    assert.deepEqual(rgb(pixel(group, 125, 100)), BRAZIL);
    const clear = png((await call(server, `/?${world111}&LAYERS=countries&TRANSPARENT=TRUE`)).response.body());
    assert.equal(pixel(clear, 180, 90)[3], 0);
    const red = png((await call(server, `/?${world111}&LAYERS=countries&BGCOLOR=0xFF0000`)).response.body());
    assert.deepEqual(rgb(pixel(red, 180, 90)), [255, 0, 0]);
  });

  test('JPEG and 8-bit PNG', async () => {
    const { server } = wmsServer();
    const jpeg = await call(server, `/?${world111.replace('image/png', 'image/jpeg')}&LAYERS=countries`);
    assert.equal(jpeg.headers['Content-Type'], 'image/jpeg');
    assert.deepEqual([...jpeg.response.body().subarray(0, 3)], [0xff, 0xd8, 0xff]);
    const p8 = await call(server, `/?${world111.replace('image/png', 'image/png;%20mode%3D8bit')}&LAYERS=countries`);
    assert.equal(p8.headers['Content-Type'], 'image/png');
    assert.equal(p8.response.body()[25], 3, 'PNG colour type 3: palette');
  });

  test('vendor FILTER draws only matching features', async () => {
    const { server } = wmsServer();
    const r = await call(server, `/?${world111}&LAYERS=countries&FILTER=${encodeURIComponent(`countries:"name" = 'France'`)}`);
    const img = png(r.response.body());
    assert.deepEqual(rgb(pixel(img, 182, 43)), EUROPE);
    assert.deepEqual(rgb(pixel(img, 125, 100)), [255, 255, 255]);
    const bad = await call(server, `/?${world111}&LAYERS=countries&FILTER=${encodeURIComponent(`countries:upper("name") = 'X'`)}`);
    assert.equal(bad.status, 400);
    assert.match(bad.body, /code="InvalidParameterValue" locator="FILTER"/);
  });

  test('OPACITIES fades a layer', async () => {
    const { server } = wmsServer();
    const img = png((await call(server, `/?${world111}&LAYERS=countries&OPACITIES=128`)).response.body());
    const [r, g, b] = pixel(img, 125, 100);
    assert.ok(r > BRAZIL[0] && g > BRAZIL[1] && b > BRAZIL[2] && r < 255, `half way to white: ${[r, g, b]}`);
  });
});

describe('GetMap errors, each with its WMS code', () => {
  const cases: Array<[string, string, string, string | undefined, number]> = [
    ['unknown CRS 1.3.0', `${world130.replace('EPSG:4326', 'EPSG:999999')}&LAYERS=countries`, 'InvalidCRS', 'CRS', 400],
    ['unknown SRS 1.1.1', `${world111.replace('EPSG:4326', 'EPSG:999999')}&LAYERS=countries`, 'InvalidSRS', 'SRS', 400],
    ['unknown layer', `${world111}&LAYERS=nowhere`, 'LayerNotDefined', 'nowhere', 400],
    ['unknown style', `${world111}&LAYERS=countries&STYLES=pink`, 'StyleNotDefined', 'STYLES', 400],
    ['bad format', `${world111.replace('image/png', 'image/gif')}&LAYERS=countries`, 'InvalidFormat', 'FORMAT', 400],
    ['inverted bbox', `${world111.replace('-180,-90,180,90', '180,-90,-180,90')}&LAYERS=countries`, 'InvalidParameterValue', 'BBOX', 400],
    ['three numbers', `${world111.replace('-180,-90,180,90', '1,2,3')}&LAYERS=countries`, 'InvalidParameterValue', 'BBOX', 400],
    ['too wide', `${world111.replace('WIDTH=360', 'WIDTH=5000')}&LAYERS=countries`, 'InvalidParameterValue', 'WIDTH', 400],
    ['width not a number', `${world111.replace('WIDTH=360', 'WIDTH=abc')}&LAYERS=countries`, 'InvalidParameterValue', 'WIDTH', 400],
    ['no layers', world111, 'MissingParameterValue', 'LAYERS', 400],
    ['bad bgcolor', `${world111}&LAYERS=countries&BGCOLOR=red`, 'InvalidParameterValue', 'BGCOLOR', 400],
  ];
  for (const [name, query, code, locator, status] of cases) {
    test(name, async () => {
      const { server } = wmsServer();
      const r = await call(server, `/?${query}`);
      assert.equal(r.status, status, r.body.slice(0, 300));
      const doc = xmlObject(r.body);
      const ex = (doc['ServiceExceptionReport'] ?? {})['ServiceException'];
      assert.equal(ex['@code'], code);
      if (locator) assert.equal(ex['@locator'], locator);
    });
  }

  test('1.1.1 errors are application/vnd.ogc.se_xml, 1.3.0 errors text/xml', async () => {
    const { server } = wmsServer();
    assert.match((await call(server, `/?${world111}&LAYERS=nowhere`)).headers['Content-Type'] ?? '', /^application\/vnd\.ogc\.se_xml/);
    assert.match((await call(server, `/?${world130}&LAYERS=nowhere`)).headers['Content-Type'] ?? '', /^text\/xml/);
  });

  test('EXCEPTIONS=INIMAGE draws the error into an image, BLANK answers an empty one, both 200', async () => {
    const { server } = wmsServer();
    const inimage = await call(server, `/?${world130}&LAYERS=nowhere&EXCEPTIONS=INIMAGE`);
    assert.equal(inimage.status, 200);
    const img = png(inimage.response.body());
    assert.deepEqual([img.width, img.height], [360, 180]);
    let dark = 0;
    for (let i = 0; i < img.data.length; i += 4) if (img.data[i]! < 128 && img.data[i + 3]! > 0) dark++;
    assert.ok(dark > 50, 'the message is drawn');
    const blank = await call(server, `/?${world111}&LAYERS=nowhere&EXCEPTIONS=application/vnd.ogc.se_blank&TRANSPARENT=TRUE`);
    assert.equal(blank.status, 200);
    const b = png(blank.response.body());
    assert.ok([...Array(b.width * b.height).keys()].every((i) => b.data[i * 4 + 3] === 0), 'all transparent');
  });
});

describe('GetMap under access control', () => {
  test('a hidden layer does not exist; a filtered-out feature is not drawn', async () => {
    const { server } = wmsServer([RESTRICTIVE]);
    const hidden = await call(server, `/?${world111}&LAYERS=secret`);
    assert.equal(hidden.status, 400);
    assert.match(hidden.body, /code="LayerNotDefined"/);
    const img = png((await call(server, `/?${world111}&LAYERS=countries`)).response.body());
    assert.deepEqual(rgb(pixel(img, 125, 100)), [255, 255, 255], 'Brazil is cut by the subset string');
    assert.deepEqual(rgb(pixel(img, 182, 43)), EUROPE);
  });

  test('a FILTER on a hidden field is refused like an unknown field', async () => {
    const { server } = wmsServer([RESTRICTIVE]);
    const r = await call(server, `/?${world111}&LAYERS=countries&FILTER=${encodeURIComponent(`countries:"gdp_md" > 0`)}`);
    const plain = await call(server, `/?${world111}&LAYERS=countries&FILTER=${encodeURIComponent(`countries:"no_such_field" > 0`)}`);
    assert.equal(r.status, plain.status);
    assert.notEqual(r.status, 200);
    assert.equal(r.body.replace(/gdp_md/g, 'X'), plain.body.replace(/no_such_field/g, 'X'), 'no oracle: same answer as a field that does not exist');
    assert.match(plain.body, /code="InvalidParameterValue" locator="FILTER"/);
  });
});

describe('GetMap golden image', () => {
  test('the test project with labels, within a pixel tolerance (UPDATE_GOLDEN=1 rewrites it)', async () => {
    const { readFile, writeFile } = await import('node:fs/promises');
    const path = await import('node:path');
    const { default: pixelmatch } = await import('pixelmatch');
    const { ROOT } = await import('../../support/server.js');
    const file = path.join(ROOT, 'test/services/wms/golden/getmap-world.png');
    const { server } = wmsServer();
    const r = await call(server, '/?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=relief,world&CRS=EPSG:3857&BBOX=-11000000,-5000000,17000000,8000000&WIDTH=700&HEIGHT=325&FORMAT=image/png&DPI=96');
    assert.equal(r.status, 200, r.body.slice(0, 200));
    if (process.env['UPDATE_GOLDEN'] === '1') await writeFile(file, r.response.body());
    const want = png(await readFile(file));
    const got = png(r.response.body());
    assert.deepEqual([got.width, got.height], [want.width, want.height]);
    const differing = pixelmatch(got.data, want.data, undefined, got.width, got.height, { threshold: 0.1 });
    assert.ok(differing <= got.width * got.height * 0.005, `${differing} pixels differ from the golden image`);
  });
});
