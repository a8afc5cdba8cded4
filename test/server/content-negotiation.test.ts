import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { negotiate, ContentType, type ContentTypeValue } from '../../src/server/content-negotiation.js';

const { GEOJSON, JSON: JSON_T, HTML, XML, OPENAPI3 } = ContentType;
const ITEMS: ContentTypeValue[] = [GEOJSON, HTML];
const LANDING: ContentTypeValue[] = [JSON_T, HTML];

describe('ContentType', () => {
  it('names the media types the APIs speak', () => {
    assert.equal(GEOJSON, 'application/geo+json');
    assert.equal(JSON_T, 'application/json');
    assert.equal(HTML, 'text/html');
    assert.equal(XML, 'application/xml');
    assert.equal(OPENAPI3, 'application/vnd.oai.openapi+json;version=3.0');
  });
});

describe('negotiate: f parameter', () => {
  it('picks the type named by f, case-insensitively', () => {
    assert.equal(negotiate(LANDING, 'json', undefined), JSON_T);
    assert.equal(negotiate(LANDING, 'HTML', undefined), HTML);
    assert.equal(negotiate([JSON_T, XML], 'xml', undefined), XML);
    assert.equal(negotiate([OPENAPI3, HTML], 'openapi', undefined), OPENAPI3);
  });
  it('json and geojson stand in for each other', () => {
    assert.equal(negotiate(ITEMS, 'json', undefined), GEOJSON);
    assert.equal(negotiate(ITEMS, 'geojson', undefined), GEOJSON);
    assert.equal(negotiate(LANDING, 'geojson', undefined), JSON_T);
  });
  it('takes a full media type', () => {
    assert.equal(negotiate(ITEMS, 'application/geo+json', undefined), GEOJSON);
    assert.equal(negotiate(ITEMS, 'Text/HTML', undefined), HTML);
    assert.equal(negotiate(ITEMS, 'application/json', undefined), GEOJSON);
  });
  it('wins over the Accept header', () => {
    assert.equal(negotiate(ITEMS, 'html', 'application/geo+json'), HTML);
    assert.equal(negotiate(ITEMS, 'json', 'text/html'), GEOJSON);
  });
  it('is null when the type named is not offered or unknown, whatever Accept says', () => {
    assert.equal(negotiate(ITEMS, 'xml', 'text/html'), null);
    assert.equal(negotiate(ITEMS, 'pdf', '*/*'), null);
    assert.equal(negotiate(ITEMS, 'image/png', undefined), null);
    assert.equal(negotiate(LANDING, 'openapi', undefined), null);
  });
});

describe('negotiate: path extension', () => {
  it('is used when there is no f', () => {
    assert.equal(negotiate(ITEMS, undefined, 'text/html', 'json'), GEOJSON);
    assert.equal(negotiate(ITEMS, undefined, undefined, 'html'), HTML);
    assert.equal(negotiate(ITEMS, undefined, undefined, 'xml'), null);
  });
  it('f wins over the extension', () => {
    assert.equal(negotiate(ITEMS, 'html', undefined, 'json'), HTML);
  });
});

describe('negotiate: Accept header', () => {
  it('no or blank Accept: JSON (or GeoJSON) when offered, for machine clients', () => {
    for (const accept of [undefined, '', '   ']) {
      assert.equal(negotiate(ITEMS, undefined, accept), GEOJSON, String(accept));
      assert.equal(negotiate([HTML, JSON_T], undefined, accept), JSON_T, String(accept));
      assert.equal(negotiate([HTML, GEOJSON], undefined, accept), GEOJSON, String(accept));
    }
  });
  it('no or blank Accept, no JSON offered: the first type offered', () => {
    assert.equal(negotiate([HTML, XML], undefined, undefined), HTML);
    assert.equal(negotiate([XML, HTML], undefined, ''), XML);
    assert.equal(negotiate([OPENAPI3, HTML], undefined, undefined), OPENAPI3);
  });
  it('nothing offered: null', () => {
    assert.equal(negotiate([], undefined, undefined), null);
    assert.equal(negotiate([], undefined, '*/*'), null);
    assert.equal(negotiate([], undefined, ''), null);
  });
  it('an exact type', () => {
    assert.equal(negotiate(ITEMS, undefined, 'text/html'), HTML);
    assert.equal(negotiate(ITEMS, undefined, 'application/geo+json'), GEOJSON);
  });
  it('is case-insensitive and tolerates blanks', () => {
    assert.equal(negotiate(ITEMS, undefined, '  TEXT/HTML ; q=0.9 '), HTML);
  });
  it('the highest q wins, whatever the order', () => {
    assert.equal(negotiate(ITEMS, undefined, 'text/html;q=0.5, application/geo+json'), GEOJSON);
    assert.equal(negotiate(ITEMS, undefined, 'application/geo+json;q=0.2,text/html;q=0.8'), HTML);
  });
  it('equal q: the earlier range wins', () => {
    assert.equal(negotiate(ITEMS, undefined, 'text/html;q=0.7, application/geo+json;q=0.7'), HTML);
    assert.equal(negotiate(ITEMS, undefined, 'application/geo+json, text/html'), GEOJSON);
  });
  it('skips ranges for types not offered', () => {
    assert.equal(negotiate(ITEMS, undefined, 'image/png, application/xhtml+xml;q=0.9, text/html;q=0.1'), HTML);
  });
  it('application/json accepts GeoJSON', () => {
    assert.equal(negotiate(ITEMS, undefined, 'application/json'), GEOJSON);
  });
  it('*/* alone is no preference: JSON when offered, else the first type offered', () => {
    assert.equal(negotiate([HTML, JSON_T], undefined, '*/*'), JSON_T);
    assert.equal(negotiate([HTML, GEOJSON], undefined, 'image/png, */*;q=0.1'), GEOJSON);
    assert.equal(negotiate([HTML, XML], undefined, '*/*'), HTML);
  });
  it('a more preferred range wins over */*', () => {
    assert.equal(negotiate([JSON_T, HTML], undefined, 'text/html, */*;q=0.8'), HTML);
    assert.equal(negotiate([JSON_T, HTML], undefined, '*/*;q=0.1, text/html;q=0.9'), HTML);
  });
  it('type/* takes the first offered type of that type', () => {
    assert.equal(negotiate(ITEMS, undefined, 'text/*'), HTML);
    assert.equal(negotiate([HTML, XML, JSON_T], undefined, 'application/*'), XML);
    assert.equal(negotiate(ITEMS, undefined, 'image/*'), null);
  });
  it('a browser\'s Accept gets HTML', () => {
    const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
    assert.equal(negotiate(ITEMS, undefined, browser), HTML);
    assert.equal(negotiate([JSON_T, XML, HTML], undefined, browser), HTML);
  });
  it('matches types with parameters by their base type', () => {
    assert.equal(negotiate([OPENAPI3, HTML], undefined, 'application/vnd.oai.openapi+json;version=3.0'), OPENAPI3);
    assert.equal(negotiate([OPENAPI3, HTML], undefined, 'application/vnd.oai.openapi+json'), OPENAPI3);
  });
  it('q=0 means not acceptable', () => {
    assert.equal(negotiate(ITEMS, undefined, 'text/html;q=0'), null);
    assert.equal(negotiate(ITEMS, undefined, 'text/html;q=0, application/geo+json;q=0.1'), GEOJSON);
  });
  it('a malformed q drops that range', () => {
    assert.equal(negotiate(ITEMS, undefined, 'text/html;q=abc'), null);
    assert.equal(negotiate(ITEMS, undefined, 'text/html;q=abc, application/geo+json'), GEOJSON);
  });
  it('nothing acceptable: null', () => {
    assert.equal(negotiate(ITEMS, undefined, 'image/png'), null);
    assert.equal(negotiate(ITEMS, undefined, 'application/xml, text/plain'), null);
  });
  it('a type refused with q=0 is not served through a wildcard', () => {
    assert.equal(negotiate([HTML, XML], undefined, '*/*, text/html;q=0'), XML);
    assert.equal(negotiate([HTML], undefined, 'text/*, text/html;q=0'), null);
  });
});
