/** Test-only: builds an XmlElement tree from well-formed XML with xmlbuilder2 (lenient, so never used for request bodies). */
import { create } from 'xmlbuilder2';
import type { XmlElement } from '../../../../src/services/wfs/xml/xml-tree.js';

interface DomNode { nodeType: number; localName: string | null; namespaceURI: string | null; nodeName: string; data?: string; childNodes: ArrayLike<DomNode>; attributes?: ArrayLike<{ name: string; localName: string; namespaceURI: string | null; value: string }> }

function convert(n: DomNode): XmlElement {
  const kids = Array.from(n.childNodes);
  return Object.freeze({
    name: n.nodeName,
    local: n.localName ?? n.nodeName,
    ns: n.namespaceURI ?? '',
    attributes: Object.freeze(Array.from(n.attributes ?? []).map((a) => Object.freeze({ name: a.name, local: a.localName, ns: a.namespaceURI ?? '', value: a.value }))),
    children: Object.freeze(kids.filter((k) => k.nodeType === 1).map(convert)),
    text: kids.filter((k) => k.nodeType === 3 || k.nodeType === 4).map((k) => k.data ?? '').join(''),
    line: 0,
    column: 0,
  });
}

/** The root element of `xml`. */
export function tree(xml: string): XmlElement {
  return convert(create(xml).root().node as unknown as DomNode);
}
