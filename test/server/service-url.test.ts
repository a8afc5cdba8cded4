import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceUrl } from '../../src/server/service-url.js';
import { ServerRequest } from '../../src/server/request.js';

const req = (url: string, headers: Record<string, string> = {}) => new ServerRequest(url, 'GET', headers);

test('OWS_SERVICE_URL wins', () => {
  assert.equal(serviceUrl(req('http://internal:9000/ows?SERVICE=WMS'), 'https://maps.example.org/wms').toString(), 'https://maps.example.org/wms');
});

test('the request URL without its query otherwise', () => {
  assert.equal(serviceUrl(req('http://localhost:8080/ows/?SERVICE=WMS&REQUEST=GetCapabilities'), null).toString(), 'http://localhost:8080/ows/');
});

test('X-Forwarded-Proto / Host / Prefix from a proxy', () => {
  const u = serviceUrl(req('http://127.0.0.1:9000/ows?x=1', { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'maps.example.org, proxy2', 'x-forwarded-prefix': '/gis' }), null, true);
  assert.equal(u.toString(), 'https://maps.example.org/gis/ows');
});

test('RFC 7239 Forwarded, quoted values, first element only', () => {
  const u = serviceUrl(req('http://127.0.0.1/ows', { forwarded: 'for=1.2.3.4;proto=https;host="maps.example.org:8443", for=5.6.7.8;host=evil' }), null, true);
  assert.equal(u.toString(), 'https://maps.example.org:8443/ows');
});

test('hostile forwarded values are ignored', () => {
  const u = serviceUrl(req('http://localhost/ows', { 'x-forwarded-host': 'evil.org/<script>', 'x-forwarded-proto': 'javascript', 'x-forwarded-prefix': '"><x' }), null, true);
  assert.equal(u.toString(), 'http://localhost/ows');
});

test('forwarded headers are ignored unless the proxy is trusted', () => {
  const u = serviceUrl(req('http://127.0.0.1:9000/ows', { 'x-forwarded-host': 'evil.example', forwarded: 'host=evil.example;proto=https' }), null);
  assert.equal(u.toString(), 'http://127.0.0.1:9000/ows');
});
