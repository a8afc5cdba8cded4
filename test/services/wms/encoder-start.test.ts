import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call } from '../../support/server.js';
import { wmsServer } from './support.js';
import { closeEncoders, encodersStarted } from '../../../src/render/index.js';

// Its own file: node --test runs each file in a process of its own, so no other test has started the encoders.
test('the 8-bit PNG encoder threads start with the first WMS request, not with the server or other services', async () => {
  const { server } = wmsServer();
  assert.equal(encodersStarted(), false, 'not at start');
  assert.equal((await call(server, '/?SERVICE=WFS&REQUEST=GetCapabilities')).status, 200);
  assert.equal(encodersStarted(), false, 'not for WFS');
  assert.equal((await call(server, '/?SERVICE=WMS&REQUEST=GetCapabilities')).status, 200);
  assert.equal(encodersStarted(), true, 'started by WMS');
  const map = await call(server, '/?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=countries&STYLES=&CRS=EPSG:4326&BBOX=-90,-180,90,180&WIDTH=64&HEIGHT=32&FORMAT=' + encodeURIComponent('image/png; mode=8bit'));
  assert.equal(map.status, 200);
  assert.match(map.response.header('content-type') ?? '', /^image\/png/);
  await closeEncoders();
});
