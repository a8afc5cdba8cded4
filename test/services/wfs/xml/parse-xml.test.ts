import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml } from '../../../../src/services/wfs/xml/parse-xml.js';
import { parseFilter } from '../../../../src/services/wfs/xml/filter-encoding.js';

const refused = (xml: string | Buffer, pattern: RegExp, code = 'OperationParsingFailed') =>
  assert.throws(() => parseXml(xml), (e: Error & { code?: string; status?: number }) => e.code === code && pattern.test(e.message), `${String(xml).slice(0, 60)}`);

test('namespaces, attributes, text and CDATA', () => {
  const root = parseXml(`<?xml version="1.0"?>
<wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:fes="http://www.opengis.net/fes/2.0" service="WFS" version="2.0.0">
  <wfs:Query typeNames="countries"><fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>name</fes:ValueReference><fes:Literal><![CDATA[A & <B>]]></fes:Literal></fes:PropertyIsEqualTo></fes:Filter></wfs:Query>
</wfs:GetFeature>`);
  assert.equal(root.local, 'GetFeature');
  assert.equal(root.ns, 'http://www.opengis.net/wfs/2.0');
  assert.deepEqual(root.attributes.map((a) => [a.local, a.value]), [['service', 'WFS'], ['version', '2.0.0']]);
  const query = root.children[0]!;
  assert.equal(query.attributes[0]!.value, 'countries');
  const literal = query.children[0]!.children[0]!.children[1]!;
  assert.equal(literal.text, 'A & <B>');
  assert.ok(Object.isFrozen(root) && Object.isFrozen(root.children));
  assert.equal(root.line, 2);
  // the tree feeds the Filter Encoding translator
  const f = parseFilter(query.children[0]!);
  assert.equal(f.expression?.test({ name: 'A & <B>' }), true);
});

test('malformed XML names line and column', () => {
  refused('<a><b></a>', /Malformed XML at line 1, column \d+/);
  refused('<a>', /Malformed XML/);
  refused('', /no root element|Malformed/);
  refused('<a x="1" x="2"/>', /Malformed XML/);
  refused('<p:a/>', /Malformed XML/);
  refused(Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e]), /not valid UTF-8/);
});

test('DOCTYPEs are refused before anything is expanded: XXE, parameter entities, billion laughs', () => {
  refused('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>', /DOCTYPE is not accepted/);
  refused('<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x"> %p;]><r/>', /DOCTYPE is not accepted/);
  const lol = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('') + ']><lolz>&lol9;</lolz>';
  refused(lol, /DOCTYPE is not accepted/);
  refused('<r>&undefined;</r>', /Malformed XML/);
});

test('size, depth and element count limits', () => {
  assert.throws(() => parseXml('<a/>'.padEnd(100, ' '), { maxBytes: 50, maxDepth: 10, maxElements: 10 }), (e: Error & { code?: string; status?: number }) => e.code === 'PayloadTooLarge' && e.status === 413);
  assert.throws(() => parseXml('<a>'.repeat(20) + '</a>'.repeat(20), { maxBytes: 1e6, maxDepth: 10, maxElements: 100 }), /nested deeper than 10/);
  assert.throws(() => parseXml('<a>' + '<b/>'.repeat(50) + '</a>', { maxBytes: 1e6, maxDepth: 10, maxElements: 20 }), /more than 20 elements/);
  assert.equal(parseXml('<a>' + '<b/>'.repeat(15) + '</a>', { maxBytes: 1e6, maxDepth: 10, maxElements: 20 }).children.length, 15);
});
