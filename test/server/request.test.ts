import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ServerRequest, BufferRequest } from '../../src/server/request.js';
import { ParameterMap } from '../../src/server/parameter-map.js';

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

describe('ServerRequest: URL and method', () => {
  it('resolves a path against http://localhost/', () => {
    const r = new ServerRequest('/ows/?SERVICE=WMS');
    assert.equal(r.url().href, 'http://localhost/ows/?SERVICE=WMS');
    assert.equal(r.path(), '/ows/');
  });
  it('keeps an absolute URL', () => {
    const r = new ServerRequest('https://maps.example.org:8443/wms?x=1');
    assert.equal(r.url().host, 'maps.example.org:8443');
    assert.equal(r.path(), '/wms');
  });
  it('accepts a URL object', () => {
    assert.equal(new ServerRequest(new URL('http://h/a/b?c=d')).parameter('C'), 'd');
  });
  it('url() is a copy: changing it does not change the request', () => {
    const r = new ServerRequest('/ows?SERVICE=WMS');
    const u = r.url();
    u.pathname = '/elsewhere';
    u.searchParams.set('SERVICE', 'WFS');
    assert.equal(r.path(), '/ows');
    assert.equal(r.url().searchParams.get('SERVICE'), 'WMS');
  });
  it('method defaults to GET and is upper-cased', () => {
    assert.equal(new ServerRequest('/').method(), 'GET');
    assert.equal(new ServerRequest('/', 'post').method(), 'POST');
  });
  it('BufferRequest is a ServerRequest', () => {
    const r = new BufferRequest('/?a=1', 'put', { X: 'y' }, 'body');
    assert.ok(r instanceof ServerRequest);
    assert.deepEqual([r.method(), r.parameter('A'), r.header('x'), r.data().toString()], ['PUT', '1', 'y', 'body']);
  });
});

describe('ServerRequest: headers', () => {
  it('lower-cases header names and finds them in any case', () => {
    const r = new ServerRequest('/', 'GET', { 'Content-Type': 'text/xml', 'X-Forwarded-Host': 'maps.example.org' });
    assert.deepEqual(r.headers(), { 'content-type': 'text/xml', 'x-forwarded-host': 'maps.example.org' });
    assert.equal(r.header('CONTENT-TYPE'), 'text/xml');
    assert.equal(r.header('x-forwarded-host'), 'maps.example.org');
    assert.equal(r.header('missing'), undefined);
  });
  it('joins repeated header values with ", " and skips undefined ones', () => {
    const r = new ServerRequest('/', 'GET', { Accept: ['text/html', 'application/json'], 'X-None': undefined });
    assert.equal(r.header('accept'), 'text/html, application/json');
    assert.ok(!('x-none' in r.headers()));
  });
  it('setHeader replaces whatever case the name is given in', () => {
    const r = new ServerRequest('/', 'GET', { Authorization: 'Basic a' });
    r.setHeader('AUTHORIZATION', 'Bearer b');
    assert.equal(r.header('authorization'), 'Bearer b');
    assert.deepEqual(Object.keys(r.headers()), ['authorization']);
  });
  it('headers() is a copy', () => {
    const r = new ServerRequest('/', 'GET', { A: '1' });
    r.headers()['a'] = '2';
    assert.equal(r.header('a'), '1');
  });
});

describe('ServerRequest: body', () => {
  it('is empty without one', () => {
    for (const body of [undefined, null]) {
      const d = new ServerRequest('/', 'POST', {}, body).data();
      assert.ok(Buffer.isBuffer(d));
      assert.equal(d.length, 0);
    }
  });
  it('takes a string as UTF-8', () => {
    assert.deepEqual([...new ServerRequest('/', 'POST', {}, 'é').data()], [0xc3, 0xa9]);
  });
  it('takes a Buffer or Uint8Array', () => {
    assert.equal(new ServerRequest('/', 'POST', {}, Buffer.from('<a/>')).data().toString(), '<a/>');
    assert.deepEqual([...new ServerRequest('/', 'POST', {}, new Uint8Array([1, 2, 3])).data()], [1, 2, 3]);
  });
});

describe('ServerRequest: parameters', () => {
  it('reads query parameters with case-insensitive names', () => {
    const r = new ServerRequest('/?service=WMS&Request=GetMap&LAYERS=a,b');
    assert.ok(r.parameters() instanceof ParameterMap);
    assert.equal(r.parameter('SERVICE'), 'WMS');
    assert.equal(r.parameter('request'), 'GetMap');
    assert.equal(r.parameters().get('layers'), 'a,b');
    assert.deepEqual([...r.parameters().keys()], ['SERVICE', 'REQUEST', 'LAYERS']);
  });
  it('decodes percent escapes and + as space', () => {
    const r = new ServerRequest('/?FILTER=%22name%22%20%3D%20%27a%26b%27&TITLE=a+b&CRS=EPSG%3A4326');
    assert.equal(r.parameter('FILTER'), '"name" = \'a&b\'');
    assert.equal(r.parameter('TITLE'), 'a b');
    assert.equal(r.parameter('CRS'), 'EPSG:4326');
  });
  it('keeps the first of repeated parameters, whatever their case', () => {
    const r = new ServerRequest('/?LAYERS=first&layers=second&Layers=third');
    assert.equal(r.parameter('LAYERS'), 'first');
    assert.equal(r.parameters().size, 1);
  });
  it('keeps empty values', () => {
    const r = new ServerRequest('/?STYLES=&LAYERS=a');
    assert.equal(r.parameters().has('styles'), true);
    assert.equal(r.parameter('STYLES'), '');
  });
  it('parameter() falls back to a default only when the parameter is absent', () => {
    const r = new ServerRequest('/?STYLES=');
    assert.equal(r.parameter('VERSION', '1.3.0'), '1.3.0');
    assert.equal(r.parameter('STYLES', 'default'), '');
    assert.equal(r.parameter('VERSION'), undefined);
  });
  it('setParameter and removeParameter change the live map, ignoring case', () => {
    const r = new ServerRequest('/?SERVICE=WMS');
    r.setParameter('layers', 'roads');
    assert.equal(r.parameters().get('LAYERS'), 'roads');
    r.setParameter('Service', 'WFS');
    assert.equal(r.parameter('service'), 'WFS');
    r.removeParameter('SERVICE');
    assert.equal(r.parameter('service'), undefined);
    assert.deepEqual(r.parameters().toObject(), { LAYERS: 'roads' });
  });
});

describe('ServerRequest: form POST', () => {
  it('merges a form-urlencoded body into the parameters', () => {
    const r = new ServerRequest('/ows', 'POST', FORM, 'service=WFS&request=GetFeature&typeName=roads&filter=%3CFilter%2F%3E&x=a+b');
    assert.deepEqual(r.parameters().toObject(), {
      SERVICE: 'WFS', REQUEST: 'GetFeature', TYPENAME: 'roads', FILTER: '<Filter/>', X: 'a b',
    });
  });
  it('merges body and query string', () => {
    const r = new ServerRequest('/ows?MAP=world.yaml', 'POST', FORM, 'SERVICE=WMS');
    assert.deepEqual(r.parameters().toObject(), { MAP: 'world.yaml', SERVICE: 'WMS' });
  });
  it('a query-string parameter is not overridden by the body', () => {
    const r = new ServerRequest('/ows?SERVICE=WMS', 'POST', FORM, 'service=WFS&REQUEST=GetMap');
    assert.equal(r.parameter('SERVICE'), 'WMS');
    assert.equal(r.parameter('REQUEST'), 'GetMap');
  });
  it('recognises the content type with a charset and in any case, from a header of any case', () => {
    for (const headers of [
      { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      { 'CONTENT-TYPE': 'Application/X-WWW-Form-Urlencoded' },
    ]) {
      assert.equal(new ServerRequest('/', 'POST', headers, 'a=1').parameter('A'), '1', JSON.stringify(headers));
    }
  });
  it('decodes UTF-8 in the body', () => {
    const r = new ServerRequest('/', 'POST', FORM, Buffer.from('TITLE=Z%C3%BCrich&NAME=Genève', 'utf8'));
    assert.equal(r.parameter('TITLE'), 'Zürich');
    assert.equal(r.parameter('NAME'), 'Genève');
  });
  it('does not read the body of other content types or of other methods', () => {
    assert.equal(new ServerRequest('/', 'POST', { 'Content-Type': 'text/xml' }, 'a=1').parameter('A'), undefined);
    assert.equal(new ServerRequest('/', 'POST', {}, 'a=1').parameter('A'), undefined);
    assert.equal(new ServerRequest('/', 'PUT', FORM, 'a=1').parameter('A'), undefined);
    assert.equal(new ServerRequest('/', 'GET', FORM, 'a=1').parameter('A'), undefined);
  });
  it('keeps the raw body available', () => {
    assert.equal(new ServerRequest('/', 'POST', FORM, 'a=1&b=2').data().toString(), 'a=1&b=2');
  });
});
