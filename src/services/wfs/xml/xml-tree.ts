/**
 * The small immutable XML tree that request bodies are parsed into, and helpers to read it.
 *
 * The safe parser (parseXml: saxes-based, DOCTYPE refused, byte size / depth / element count limits,
 * malformed input → OgcError 'OperationParsingFailed' with line and column) produces these objects;
 * Filter Encoding and the WFS POST readers only consume them.
 */
import { OgcError } from '../../../errors/ogc-error.js';

/** An attribute with its namespace resolved ('' when unprefixed). */
export interface XmlAttribute {
  readonly name: string;
  readonly local: string;
  readonly ns: string;
  readonly value: string;
}

/** An element: qualified name as written, local name, resolved namespace URI, attributes, child elements, direct text. */
export interface XmlElement {
  readonly name: string;
  readonly local: string;
  readonly ns: string;
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  /** The element's own text and CDATA (not its descendants'), concatenated. */
  readonly text: string;
  /** 1-based position of the start tag (0 when unknown). */
  readonly line: number;
  readonly column: number;
}

/** Limits the parser enforces on a body. */
export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
  maxElements: number;
}

/** Defaults: 16 MiB, 64 levels, 1,000,000 elements. */
export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = Object.freeze({ maxBytes: 16 * 1024 * 1024, maxDepth: 64, maxElements: 1_000_000 });

/** Well-known namespaces of OGC request bodies. */
export const NS = Object.freeze({
  ogc: 'http://www.opengis.net/ogc',
  fes: 'http://www.opengis.net/fes/2.0',
  gml: 'http://www.opengis.net/gml',
  gml32: 'http://www.opengis.net/gml/3.2',
  wfs: 'http://www.opengis.net/wfs',
  wfs20: 'http://www.opengis.net/wfs/2.0',
});

/** True when `ns` is a GML namespace (2/3.1 or 3.2). */
export function isGml(ns: string): boolean {
  return ns === NS.gml || ns === NS.gml32;
}

/** The value of an attribute by local name (any namespace unless `ns` is given), or undefined. */
export function attr(el: XmlElement, local: string, ns?: string): string | undefined {
  return el.attributes.find((a) => a.local === local && (ns === undefined || a.ns === ns))?.value;
}

/** Child elements with one of the given local names. */
export function childrenNamed(el: XmlElement, ...locals: string[]): XmlElement[] {
  return el.children.filter((c) => locals.includes(c.local));
}

/** The first child element with one of the given local names, or undefined. */
export function childNamed(el: XmlElement, ...locals: string[]): XmlElement | undefined {
  return el.children.find((c) => locals.includes(c.local));
}

/** "line L, column C" for messages ('' when the position is unknown). */
export function where(el: XmlElement): string {
  return el.line > 0 ? ` (line ${el.line}, column ${el.column})` : '';
}

/** An OperationParsingFailed error about an element, naming it and its position. */
export function parseError(el: XmlElement, message: string, locator?: string): OgcError {
  return new OgcError('OperationParsingFailed', `${message}: <${el.name}>${where(el)}`, locator === undefined ? {} : { locator });
}
