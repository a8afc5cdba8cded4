import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { needTools, which } from '../helpers/procs.js';
import { png, pixel } from '../services/wms/support.js';
import { clientEnv, killClients, run, startHttpWms, tempDir, type HttpWms, type SeenRequest } from './support.js';

// GDAL's WMS driver (gdal-bin's gdalinfo / gdal_translate) against the test project over HTTP.

const SOUTH_AMERICA = [0x80, 0xb1, 0xd3];
const EUROPE = [0x8d, 0xd3, 0xc7];
const WHITE = [255, 255, 255];
const rgb = (p: number[]) => p.slice(0, 3);

const GDALINFO = which('gdalinfo');
const GDAL_TRANSLATE = which('gdal_translate');
const tools = needTools({ gdalinfo: GDALINFO, gdal_translate: GDAL_TRANSLATE });

describe('GDAL WMS driver', { skip: tools.skip, timeout: 30_000 }, () => {
  let wms: HttpWms;
  let tmp: { dir: string; remove: () => Promise<void> };
  let env: NodeJS.ProcessEnv;
  before(async () => {
    tools.assertTools();
    wms = await startHttpWms();
    tmp = await tempDir('ows-gdal-');
    env = clientEnv({
      GDAL_HTTP_TIMEOUT: '15', GDAL_PAM_ENABLED: 'NO', GDAL_DEFAULT_WMS_CACHE_PATH: path.join(tmp.dir, 'cache'),
      GDAL_HTTP_MAX_RETRY: '0', CPL_DEBUG: 'OFF',
    });
  });
  after(async () => {
    killClients();
    await wms?.close();
    await tmp?.remove();
  });

  /** Runs a GDAL tool; a failure shows GDAL's own words. */
  async function gdal(tool: string, args: string[]): Promise<string> {
    const r = await run(tool, args, { cwd: tmp.dir, env, timeoutMs: 25_000 });
    assert.equal(r.code, 0, `${path.basename(tool)} ${args.join(' ')} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
    return r.stdout;
  }

  /** Runs gdal_translate on a source and decodes the PNG it wrote; returns the GetMap requests GDAL made. */
  async function translate(source: string, out: string, extra: string[] = []): Promise<{ img: ReturnType<typeof png>; getmaps: SeenRequest[] }> {
    const before = wms.seen.length;
    await gdal(GDAL_TRANSLATE!, ['-q', '-of', 'PNG', ...extra, source, path.join(tmp.dir, out)]);
    const getmaps = wms.seen.slice(before).filter((s) => /^GetMap$/i.test(s.params['REQUEST'] ?? ''));
    return { img: png(await readFile(path.join(tmp.dir, out))), getmaps };
  }

  const bbox = (s: SeenRequest) => (s.params['BBOX'] ?? '').split(',').map(Number);

  test('gdalinfo on 1.3.0 capabilities lists one subdataset per named layer, boxes in lat/lon', async () => {
    const out = await gdal(GDALINFO!, [`WMS:${wms.url}?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities`]);
    const names = [...out.matchAll(/SUBDATASET_\d+_NAME=(.*)/g)].map((m) => m[1]!.trim());
    const descs = [...out.matchAll(/SUBDATASET_\d+_DESC=(.*)/g)].map((m) => m[1]!.trim());
    const layers = names.map((n) => new URL(n.replace(/^WMS:/, '')).searchParams.get('LAYERS'));
    assert.deepEqual(layers, ['relief', 'world', 'countries', 'cities', 'secret'], out);
    assert.deepEqual(descs, ['Relief', 'World', 'Countries', 'Cities', 'Secret sites']);
    const countries = new URL(names[2]!.replace(/^WMS:/, '')).searchParams;
    assert.equal(countries.get('CRS'), 'EPSG:4326');
    const [minLat, minLon, maxLat, maxLon] = countries.get('BBOX')!.split(',').map(Number) as [number, number, number, number];
    assert.ok(minLat > -35 && minLat < -30 && minLon < -70 && maxLat > 54 && maxLon > 145, `lat/lon box for 1.3.0: ${countries.get('BBOX')}`);
    assert.ok(names[0]!.startsWith(`WMS:${wms.url}`), 'GetMap URLs point back at the server');
  });

  test('gdalinfo on 1.1.1 capabilities: SRS and lon/lat boxes', async () => {
    const out = await gdal(GDALINFO!, [`WMS:${wms.url}?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetCapabilities`]);
    const names = [...out.matchAll(/SUBDATASET_\d+_NAME=(.*)/g)].map((m) => new URL(m[1]!.trim().replace(/^WMS:/, '')).searchParams);
    assert.deepEqual(names.map((p) => p.get('LAYERS')), ['relief', 'world', 'countries', 'cities', 'secret'], out);
    const countries = names[2]!;
    assert.equal(countries.get('SRS'), 'EPSG:4326');
    const [minLon, minLat, maxLon, maxLat] = countries.get('BBOX')!.split(',').map(Number) as [number, number, number, number];
    assert.ok(minLon < -70 && minLat > -35 && minLat < -30 && maxLon > 145 && maxLat > 54 && maxLat < 56, `lon/lat box for 1.1.1: ${countries.get('BBOX')}`);
  });

  for (const [version, crsKey, box] of [['1.3.0', 'CRS', '-90,-180,90,180'], ['1.1.1', 'SRS', '-180,-90,180,90']] as const) {
    test(`gdal_translate of a ${version} WMS: URL draws Brazil in South America's colour`, async () => {
      const source = `WMS:${wms.url}?SERVICE=WMS&VERSION=${version}&REQUEST=GetMap&LAYERS=countries&${crsKey}=EPSG:4326&BBOX=${box}&FORMAT=image/png`;
      const { img, getmaps } = await translate(source, `world-${version}.png`, ['-outsize', '360', '180']);
      assert.deepEqual([img.width, img.height], [360, 180]);
      assert.deepEqual(rgb(pixel(img, 125, 100)), SOUTH_AMERICA, 'inner Brazil (lon -55, lat -10)');
      assert.deepEqual(rgb(pixel(img, 182, 43)), EUROPE, 'France');
      assert.deepEqual(rgb(pixel(img, 180, 90)), WHITE, 'the Gulf of Guinea');
      assert.ok(getmaps.length >= 1, 'GDAL asked for a map');
      for (const g of getmaps) {
        assert.equal(g.params['VERSION'], version);
        assert.equal(g.params[crsKey], 'EPSG:4326');
        assert.equal(g.params['LAYERS'], 'countries');
        assert.equal(g.params['FORMAT'], 'image/png');
        const [a, b, c, d] = bbox(g);
        // 1.3.0 EPSG:4326 is lat/lon: the first axis spans 180°, the second 360°; 1.1.1 the other way round.
        if (version === '1.3.0') assert.deepEqual([a, b, c, d], [-90, -180, 90, 180], `lat/lon BBOX ${g.params['BBOX']}`);
        else assert.deepEqual([a, b, c, d], [-180, -90, 180, 90], `lon/lat BBOX ${g.params['BBOX']}`);
        assert.equal(Number(g.params['WIDTH']) / Number(g.params['HEIGHT']), 2, 'twice as wide as high');
      }
    });
  }

  for (const version of ['1.3.0', '1.1.1']) {
    test(`a ${version} service description read in 6 tiles: each tile's BBOX in the version's axis order`, async () => {
      // GDAL swaps to lat/lon by itself only for WMS: URLs; a service description says so with BBoxOrder yxYX.
      const xml = `<GDAL_WMS>
  <Service name="WMS">
    <Version>${version}</Version>
    <ServerUrl>${wms.url}?</ServerUrl>
    <${version === '1.3.0' ? 'CRS' : 'SRS'}>EPSG:4326</${version === '1.3.0' ? 'CRS' : 'SRS'}>
    <ImageFormat>image/png</ImageFormat>
    <Layers>countries</Layers>
    <Styles>continents</Styles>${version === '1.3.0' ? '\n    <BBoxOrder>yxYX</BBoxOrder>' : ''}
  </Service>
  <DataWindow>
    <UpperLeftX>-180</UpperLeftX><UpperLeftY>90</UpperLeftY>
    <LowerRightX>180</LowerRightX><LowerRightY>-90</LowerRightY>
    <SizeX>720</SizeX><SizeY>360</SizeY>
  </DataWindow>
  <BlockSizeX>240</BlockSizeX><BlockSizeY>180</BlockSizeY>
  <BandsCount>3</BandsCount>
  <MaxConnections>2</MaxConnections>
</GDAL_WMS>
`;
      const file = path.join(tmp.dir, `service-${version}.xml`);
      await writeFile(file, xml);
      const { img, getmaps } = await translate(file, `tiles-${version}.png`);
      assert.deepEqual([img.width, img.height], [720, 360]);
      assert.equal(getmaps.length, 6, `six tiles: ${getmaps.map((g) => g.params['BBOX']).join(' ')}`);
      // Tiles are 120° × 90°; in lon/lat: x from -180 by 120, y from -90 by 90.
      const tiles = getmaps.map((g) => {
        const [a, b, c, d] = bbox(g) as [number, number, number, number];
        return version === '1.3.0' ? [b, a, d, c] : [a, b, c, d];
      });
      for (const [w, s, e, n] of tiles) {
        assert.ok(Math.abs(e! - w! - 120) < 1e-6 && Math.abs(n! - s! - 90) < 1e-6, `a 120° × 90° tile in ${version} axis order: ${[w, s, e, n]}`);
      }
      assert.deepEqual(new Set(tiles.map((t) => `${Math.round(t[0]!)},${Math.round(t[1]!)}`)),
        new Set(['-180,0', '-60,0', '60,0', '-180,-90', '-60,-90', '60,-90']));
      // Two pixels a degree: lon -55, lat -10 → (250, 200); France (2.5E, 46.5N) → (365, 87).
      assert.deepEqual(rgb(pixel(img, 250, 200)), SOUTH_AMERICA, 'inner Brazil');
      assert.deepEqual(rgb(pixel(img, 365, 87)), EUROPE, 'France');
      assert.deepEqual(rgb(pixel(img, 360, 180)), WHITE, 'the Gulf of Guinea');
      assert.deepEqual(rgb(pixel(img, 20, 340)), WHITE, 'Antarctica is not in the project');
    });
  }

  test('gdal_translate of a 1.3.0 EPSG:3857 WMS: URL keeps x/y order', async () => {
    const m = 20037508.34;
    const source = `WMS:${wms.url}?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=countries&CRS=EPSG:3857&BBOX=${-m},${-m},${m},${m}&FORMAT=image/png`;
    const { img, getmaps } = await translate(source, 'mercator.png', ['-outsize', '512', '512']);
    assert.deepEqual([img.width, img.height], [512, 512]);
    assert.deepEqual(rgb(pixel(img, 178, 270)), SOUTH_AMERICA, 'Brazil');
    for (const g of getmaps) {
      const [a, b, c, d] = bbox(g);
      assert.ok(Math.abs(a! + m) < 1 && Math.abs(b! + m) < 1 && Math.abs(c! - m) < 1 && Math.abs(d! - m) < 1, `x/y BBOX ${g.params['BBOX']}`);
    }
  });

  test('a GDAL request for a layer that does not exist fails with the server\'s exception text', async () => {
    const source = `WMS:${wms.url}?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=nowhere&CRS=EPSG:4326&BBOX=-90,-180,90,180&FORMAT=image/png`;
    const r = await run(GDAL_TRANSLATE!, ['-q', '-of', 'PNG', '-outsize', '36', '18', source, path.join(tmp.dir, 'nowhere.png')], { cwd: tmp.dir, env, timeoutMs: 25_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /nowhere|LayerNotDefined|400/, r.stderr);
  });
});
