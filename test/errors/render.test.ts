import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { create } from 'xmlbuilder2';
import { renderException, defaultExceptionFormat, type ExceptionFormat } from '../../src/errors/render.js';
import { OgcError, InvalidParameterError, MissingParameterError } from '../../src/errors/ogc-error.js';
import { parseValue } from '../../src/params/table.js';

const OGC_NS = 'http://www.opengis.net/ogc';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const XML_FORMATS: ExceptionFormat[] = ['wms-1.1.1', 'wms-1.3.0', 'ogc-1.2.0', 'ows-1.0', 'ows-1.1', 'ows-2.0'];
const NASTY = 'bad <value> & "quotes" \'too\' ]]> end';

/** The part of the DOM the tests read. */
interface El {
  nodeType: number;
  namespaceURI: string | null;
  localName: string;
  prefix: string | null;
  textContent: string | null;
  childNodes: ArrayLike<El>;
  getAttribute(name: string): string | null;
  getAttributeNS(ns: string | null, name: string): string | null;
  hasAttribute(name: string): boolean;
}
interface Doc {
  doctype: { name: string; systemId: string } | null;
}

function parse(xml: string): { root: El; doc: Doc } {
  const d = create(xml);
  return { root: d.root().node as unknown as El, doc: d.node as unknown as Doc };
}
function children(el: El): El[] {
  return Array.from(el.childNodes).filter((c) => c.nodeType === 1);
}
/** Characters outside the XML 1.0 Char production. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const xmllint = spawnSync('xmllint', ['--version']).status === 0;
/** Well-formedness by xmllint, offline; throws with xmllint's message when the document is not well-formed. */
function xmllintWellFormed(xml: string): void {
  execFileSync('xmllint', ['--noout', '--nonet', '-'], { input: xml, stdio: ['pipe', 'pipe', 'pipe'] });
}

describe('defaultExceptionFormat', () => {
  it('WMS: 1.1.1 report for 1.0 / 1.1 versions, 1.3.0 report otherwise', () => {
    assert.equal(defaultExceptionFormat('WMS', '1.1.1'), 'wms-1.1.1');
    assert.equal(defaultExceptionFormat('WMS', '1.1.0'), 'wms-1.1.1');
    assert.equal(defaultExceptionFormat('WMS', '1.0.0'), 'wms-1.1.1');
    assert.equal(defaultExceptionFormat('WMS', '1.3.0'), 'wms-1.3.0');
    assert.equal(defaultExceptionFormat('WMS', ''), 'wms-1.3.0');
  });
  it('service names are case-insensitive and versions trimmed', () => {
    assert.equal(defaultExceptionFormat('wms', ' 1.1.1 '), 'wms-1.1.1');
    assert.equal(defaultExceptionFormat('Wfs', '1.0.0'), 'ogc-1.2.0');
  });
  it('WFS: OGC 1.2.0 for 1.0, OWS 1.0 for 1.1, OWS 1.1 for 2.0 and by default', () => {
    assert.equal(defaultExceptionFormat('WFS', '1.0.0'), 'ogc-1.2.0');
    assert.equal(defaultExceptionFormat('WFS', '1.1.0'), 'ows-1.0');
    assert.equal(defaultExceptionFormat('WFS', '2.0.0'), 'ows-1.1');
    assert.equal(defaultExceptionFormat('WFS', ''), 'ows-1.1');
  });
  it('WCS: OGC 1.2.0 for 1.0, OWS 1.1 for 1.1, OWS 2.0 for 2.0', () => {
    assert.equal(defaultExceptionFormat('WCS', '1.0.0'), 'ogc-1.2.0');
    assert.equal(defaultExceptionFormat('WCS', '1.1.1'), 'ows-1.1');
    assert.equal(defaultExceptionFormat('WCS', '2.0.1'), 'ows-2.0');
  });
  it('WMTS: OWS 1.1; unknown services: OWS 2.0', () => {
    assert.equal(defaultExceptionFormat('WMTS', '1.0.0'), 'ows-1.1');
    assert.equal(defaultExceptionFormat('MYSERVICE', '1.0.0'), 'ows-2.0');
  });
});

describe('renderException: WMS 1.1.1', () => {
  const err = new InvalidParameterError('WIDTH', "WIDTH ('abc') cannot be converted into int");
  const out = renderException(err, 'wms-1.1.1');

  it('is application/vnd.ogc.se_xml', () => {
    assert.match(out.contentType, /^application\/vnd\.ogc\.se_xml(;|$)/);
  });
  it('starts with an XML declaration and the 1.1.1 DOCTYPE', () => {
    assert.match(out.body, /^<\?xml version="1\.0" encoding="UTF-8"/);
    const { doc } = parse(out.body);
    assert.ok(doc.doctype);
    assert.equal(doc.doctype.name, 'ServiceExceptionReport');
    assert.equal(doc.doctype.systemId, 'http://schemas.opengis.net/wms/1.1.1/exception_1_1_1.dtd');
  });
  it('is a ServiceExceptionReport without namespace, version 1.1.1, with one ServiceException', () => {
    const { root } = parse(out.body);
    assert.equal(root.localName, 'ServiceExceptionReport');
    assert.equal(root.namespaceURI, null);
    assert.equal(root.getAttribute('version'), '1.1.1');
    const [ex, ...rest] = children(root);
    assert.equal(rest.length, 0);
    assert.ok(ex);
    assert.equal(ex.localName, 'ServiceException');
    assert.equal(ex.namespaceURI, null);
    assert.equal(ex.getAttribute('code'), 'InvalidParameterValue');
    assert.equal(ex.getAttribute('locator'), 'WIDTH');
    assert.equal(ex.textContent, "WIDTH ('abc') cannot be converted into int");
  });
});

describe('renderException: WMS 1.3.0 and OGC 1.2.0', () => {
  for (const [format, version, schema] of [
    ['wms-1.3.0', '1.3.0', 'http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd'],
    ['ogc-1.2.0', '1.2.0', 'http://schemas.opengis.net/wfs/1.0.0/OGC-exception.xsd'],
  ] as const) {
    it(`${format}: ogc:ServiceExceptionReport version ${version} with its schema location`, () => {
      const out = renderException(new MissingParameterError('LAYERS'), format);
      assert.match(out.contentType, /^text\/xml(;|$)/);
      assert.ok(!out.body.includes('<!DOCTYPE'));
      const { root } = parse(out.body);
      assert.equal(root.namespaceURI, OGC_NS);
      assert.equal(root.localName, 'ServiceExceptionReport');
      assert.equal(root.getAttribute('version'), version);
      assert.equal(root.getAttributeNS(XSI_NS, 'schemaLocation'), `${OGC_NS} ${schema}`);
      const exs = children(root);
      assert.equal(exs.length, 1);
      assert.equal(exs[0]!.namespaceURI, OGC_NS);
      assert.equal(exs[0]!.localName, 'ServiceException');
      assert.equal(exs[0]!.getAttribute('code'), 'MissingParameterValue');
      assert.equal(exs[0]!.getAttribute('locator'), 'LAYERS');
      assert.equal(exs[0]!.textContent, 'The LAYERS parameter is missing');
    });
  }
});

describe('renderException: OWS ExceptionReport', () => {
  for (const [format, ns, version, schema] of [
    ['ows-1.0', 'http://www.opengis.net/ows', '1.0.0', 'http://schemas.opengis.net/ows/1.0.0/owsExceptionReport.xsd'],
    ['ows-1.1', 'http://www.opengis.net/ows/1.1', '1.1.0', 'http://schemas.opengis.net/ows/1.1.0/owsExceptionReport.xsd'],
    ['ows-2.0', 'http://www.opengis.net/ows/2.0', '2.0.0', 'http://schemas.opengis.net/ows/2.0/owsExceptionReport.xsd'],
  ] as const) {
    it(`${format}: ExceptionReport in ${ns}`, () => {
      const out = renderException(new OgcError('OperationNotSupported', 'GetFoo is not supported', { locator: 'REQUEST' }), format);
      assert.match(out.contentType, /^text\/xml(;|$)/);
      const { root } = parse(out.body);
      assert.equal(root.namespaceURI, ns);
      assert.equal(root.localName, 'ExceptionReport');
      assert.equal(root.getAttribute('version'), version);
      assert.equal(root.getAttribute('xml:lang'), 'en');
      assert.equal(root.getAttributeNS(XSI_NS, 'schemaLocation'), `${ns} ${schema}`);
      const exs = children(root);
      assert.equal(exs.length, 1);
      const ex = exs[0]!;
      assert.equal(ex.namespaceURI, ns);
      assert.equal(ex.localName, 'Exception');
      assert.equal(ex.getAttribute('exceptionCode'), 'OperationNotSupported');
      assert.equal(ex.getAttribute('locator'), 'REQUEST');
      assert.ok(!ex.hasAttribute('code'));
      const texts = children(ex);
      assert.equal(texts.length, 1);
      assert.equal(texts[0]!.namespaceURI, ns);
      assert.equal(texts[0]!.localName, 'ExceptionText');
      assert.equal(texts[0]!.textContent, 'GetFoo is not supported');
    });
  }
  it('the version attribute takes the service version when given', () => {
    const { root } = parse(renderException(new OgcError('NoApplicableCode', 'x'), 'ows-1.1', '2.0.0').body);
    assert.equal(root.getAttribute('version'), '2.0.0');
  });
});

describe('renderException: JSON', () => {
  it('gives code, description and locator', () => {
    const out = renderException(new InvalidParameterError('limit', NASTY), 'json');
    assert.equal(out.contentType, 'application/json');
    assert.deepEqual(JSON.parse(out.body), { code: 'InvalidParameterValue', description: NASTY, locator: 'limit' });
  });
  it('has no locator key when the error has none', () => {
    assert.deepEqual(JSON.parse(renderException(new OgcError('NotFound', 'nothing here'), 'json').body), { code: 'NotFound', description: 'nothing here' });
  });
});

describe('renderException: all XML formats', () => {
  it('omit the locator attribute when the error has none', () => {
    for (const format of XML_FORMATS) {
      const out = renderException(new OgcError('NoApplicableCode', 'boom'), format);
      assert.ok(!/locator=/.test(out.body), format);
      const ex = children(parse(out.body).root)[0]!;
      assert.equal(ex.hasAttribute('locator'), false, format);
    }
  });
  it('escape markup in the message and the locator, and the parsed text is the original', () => {
    for (const format of XML_FORMATS) {
      const out = renderException(new OgcError('InvalidParameterValue', NASTY, { locator: 'A"<&>\'B' }), format);
      assert.ok(!out.body.includes('<value>'), `${format}: < is escaped`);
      assert.ok(!out.body.includes('& "'), `${format}: & is escaped`);
      const { root } = parse(out.body);
      const ex = children(root)[0]!;
      assert.equal(ex.getAttribute('locator'), 'A"<&>\'B', format);
      assert.equal(ex.textContent?.trim(), NASTY, format);
    }
  });
  it('keep non-ASCII text intact', () => {
    const msg = 'Couche « routes » introuvable — 道路 🗺';
    for (const format of XML_FORMATS) {
      const { root } = parse(renderException(new OgcError('LayerNotDefined', msg, { locator: 'LAYERS' }), format).body);
      assert.equal(children(root)[0]!.textContent?.trim(), msg, format);
    }
  });
  it('are well-formed XML (xmllint, offline)', { skip: xmllint ? false : 'xmllint is not installed' }, () => {
    for (const format of XML_FORMATS) {
      xmllintWellFormed(renderException(new OgcError('InvalidParameterValue', NASTY, { locator: 'A"<&>B' }), format).body);
    }
  });
  it('stay well-formed when a client sends control characters that end up in the message', () => {
    // WIDTH=%01%1B: the message quotes the raw value back.
    let err: unknown;
    try {
      parseValue('WIDTH', { type: 'integer' }, '\u0001\u001b');
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof OgcError);
    for (const format of XML_FORMATS) {
      const body = renderException(err, format).body;
      assert.ok(!NOT_XML_CHAR.test(body), `${format}: no character outside XML 1.0 Char`);
      if (xmllint) xmllintWellFormed(body);
    }
  });
});
