import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeXmlAttr, escapeXmlText, gmlId, xmlName } from '../../../../src/services/wfs/writers/escape.js';
import { writerForFormat } from '../../../../src/services/wfs/writers/index.js';

test('XML text escaping: markup, forbidden characters, surrogates', () => {
  assert.equal(escapeXmlText('plain é ✓'), 'plain é ✓');
  assert.equal(escapeXmlText('a&b<c>d"e'), 'a&amp;b&lt;c&gt;d"e');
  assert.equal(escapeXmlText('t\tn\nr\r'), 't\tn\nr&#13;');
  assert.equal(escapeXmlText('x\u0000y\u001fz\ufffe\uffff'), 'x\ufffdy\ufffdz\ufffd\ufffd');
  assert.equal(escapeXmlText('𝄞'), '𝄞', 'valid surrogate pair kept');
  assert.equal(escapeXmlText('a\ud834b\udd1e'), 'a\ufffdb\ufffd', 'lone surrogates replaced');
  assert.equal(escapeXmlText('end\ud834'), 'end\ufffd');
});

test('XML attribute escaping keeps whitespace as references', () => {
  assert.equal(escapeXmlAttr('a"b&c'), 'a&quot;b&amp;c');
  assert.equal(escapeXmlAttr('t\tn\nr\r'), 't&#9;n&#10;r&#13;');
  assert.equal(escapeXmlAttr('http://h/?a=1&b=2'), 'http://h/?a=1&amp;b=2');
});

test('XML names and gml:ids are NCNames', () => {
  assert.equal(xmlName('name'), 'name');
  assert.equal(xmlName('my field'), 'my_field');
  assert.equal(xmlName('1st'), '_1st');
  assert.equal(xmlName('a:b'), 'a_b');
  assert.equal(gmlId('places', 12), 'places.12');
  assert.equal(gmlId('places', 'a b/c'), 'places.a_b_c');
});

test('OUTPUTFORMAT values map to writers', () => {
  assert.equal(writerForFormat('GML2')?.mimeType, 'text/xml; subtype=gml/2.1.2');
  assert.equal(writerForFormat('text/xml; subtype=gml/3.1.1')?.mimeType, 'text/xml; subtype=gml/3.1.1');
  assert.equal(writerForFormat('application/gml+xml; version=3.2')?.mimeType, 'application/gml+xml; version=3.2');
  assert.equal(writerForFormat('GeoJSON')?.mimeType, 'application/geo+json');
  assert.equal(writerForFormat('application/vnd.geo+json')?.mimeType, 'application/geo+json');
  assert.equal(writerForFormat('shapezip'), null);
});

test('jsonValue writes texts exactly as JSON.stringify does, quoting plain ones without it', async () => {
  const { jsonValue } = await import('../../../../src/services/wfs/writers/values.js');
  const texts = ['', 'plain', 'Miost & Sons', 'a"b', 'a\\b', 'tab\there', 'nl\n', '\u0000\u001f', '\u007f', 'é€', '😀', '\ud800', 'x\udfff', '\u2028\u2029', '</script>'];
  for (const s of texts) {
    assert.equal(jsonValue(s, 'string'), JSON.stringify(s), JSON.stringify(s));
  }
});
