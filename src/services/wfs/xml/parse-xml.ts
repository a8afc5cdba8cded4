/**
 * The safe XML parser for request bodies: saxes (strict, namespace-aware) with any DOCTYPE refused the
 * moment it appears — so no external entity, parameter entity or entity bomb is ever expanded — and limits
 * on bytes, depth and element count. Anything malformed is OperationParsingFailed with line and column.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { OgcError } from '../../../errors/ogc-error.js';
import { DEFAULT_XML_LIMITS, type XmlAttribute, type XmlElement, type XmlLimits } from './xml-tree.js';

interface Building {
  name: string;
  local: string;
  ns: string;
  attributes: XmlAttribute[];
  children: XmlElement[];
  text: string;
  line: number;
  column: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a request body into an immutable element tree; throws OgcError on anything unsafe or malformed. */
export function parseXml(body: Buffer | Uint8Array | string, limits: Readonly<XmlLimits> = DEFAULT_XML_LIMITS): XmlElement {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  if (size > limits.maxBytes) throw new OgcError('PayloadTooLarge', `The XML body (${size} bytes) is over the limit of ${limits.maxBytes} bytes`);
  let text: string;
  try {
    text = typeof body === 'string' ? body : utf8.decode(body);
  } catch {
    throw new OgcError('OperationParsingFailed', 'The XML body is not valid UTF-8');
  }
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: Building[] = [];
  let root: XmlElement | null = null;
  let count = 0;
  const fail = (message: string): never => {
    throw new OgcError('OperationParsingFailed', `Malformed XML at line ${parser.line}, column ${parser.column}: ${message}`);
  };
  parser.on('doctype', () => fail('a DOCTYPE is not accepted'));
  parser.on('error', (err) => fail(err.message.replace(/^[^:]*:\d+:\d+: /, '')));
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (++count > limits.maxElements) fail(`more than ${limits.maxElements} elements`);
    if (stack.length >= limits.maxDepth) fail(`elements nested deeper than ${limits.maxDepth}`);
    const attributes = Object.values(tag.attributes)
      .filter((a) => a.prefix !== 'xmlns' && a.name !== 'xmlns')
      .map((a) => Object.freeze({ name: a.name, local: a.local, ns: a.uri, value: a.value }));
    stack.push({ name: tag.name, local: tag.local, ns: tag.uri, attributes, children: [], text: '', line: parser.line, column: parser.column });
  });
  const addText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    const b = stack.pop()!;
    const el: XmlElement = Object.freeze({
      name: b.name, local: b.local, ns: b.ns, attributes: Object.freeze(b.attributes), children: Object.freeze(b.children),
      text: b.text, line: b.line, column: b.column,
    });
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
  });
  parser.write(text).close();
  if (!root) throw new OgcError('OperationParsingFailed', 'The XML body has no root element');
  return root;
}
