/** GML 2 / 3.1.1 / 3.2 geometry text (the shapes QGIS Server and GeoServer write, read by GDAL and OWSLib). */
import type { Geometry } from '../../../data/types.js';
import { escapeXmlAttr } from './escape.js';
import { ChunkBuffer, utf8 } from './chunk-buffer.js';
import { MAX_DECIMALS, xmlNonFinite } from './values.js';

/** The GML flavour written. */
export type GmlVersion = '2' | '3.1.1' | '3.2';

/** Options fixed per request. */
export interface GmlGeometryOptions {
  version: GmlVersion;
  srsName?: string;
  swapAxes?: boolean;
  /** Decimals of coordinates (0..9, default 9). */
  decimals?: number;
}

const SPACE = 32, COMMA = 44;
const COORDINATES = utf8('<gml:coordinates decimal="." cs="," ts=" ">');
const COORDINATES_END = utf8('</gml:coordinates>');
const POS_LIST = utf8('<gml:posList');
const POS_LIST_END = utf8('</gml:posList>');
const POS = utf8('<gml:pos');
const POS_END = utf8('</gml:pos></gml:Point>');
const GML_ID = utf8(' gml:id="');

/** Writes the geometries of one request as bytes (`writeTo`), or as text (`write`). */
export class GmlGeometryWriter {
  readonly #v: GmlVersion;
  readonly #swap: boolean;
  readonly #d: number;
  readonly #srsAttr: Buffer;
  readonly #srsAttrText: string;

  constructor(opts: GmlGeometryOptions) {
    this.#v = opts.version;
    this.#swap = opts.swapAxes === true;
    this.#d = Math.max(0, Math.min(MAX_DECIMALS, Math.floor(opts.decimals ?? MAX_DECIMALS)));
    this.#srsAttrText = opts.srsName ? ` srsName="${escapeXmlAttr(opts.srsName)}"` : '';
    this.#srsAttr = utf8(this.#srsAttrText);
  }

  /** One position in output axis order, its ordinates separated by `sep` (space in 3.x, comma in GML 2 tuples). */
  #position(out: ChunkBuffer, p: number[], sep: number): void {
    const d = this.#d;
    out.coordinate(this.#swap ? p[1]! : p[0]!, d, xmlNonFinite);
    out.byte(sep);
    out.coordinate(this.#swap ? p[0]! : p[1]!, d, xmlNonFinite);
    for (let i = 2; i < p.length; i++) {
      out.byte(sep);
      out.coordinate(p[i]!, d, xmlNonFinite);
    }
  }

  #coords(out: ChunkBuffer, ps: number[][]): void {
    if (this.#v === '2') {
      out.bytes(COORDINATES);
      for (let i = 0; i < ps.length; i++) {
        if (i) out.byte(SPACE);
        this.#position(out, ps[i]!, COMMA);
      }
      out.bytes(COORDINATES_END);
      return;
    }
    out.bytes(POS_LIST);
    if (ps.length && ps[0]!.length > 2) out.add(` srsDimension="${ps[0]!.length}"`);
    out.byte(62);
    for (let i = 0; i < ps.length; i++) {
      if (i) out.byte(SPACE);
      this.#position(out, ps[i]!, SPACE);
    }
    out.bytes(POS_LIST_END);
  }

  /** `<gml:NAME` with its attributes (gml:id in 3.2, srsName at the top) and `>`. */
  #open(out: ChunkBuffer, name: Uint8Array, gid: string | null, top: boolean): void {
    out.bytes(name);
    if (this.#v === '3.2' && gid !== null) {
      out.bytes(GML_ID);
      out.add(gid);
      out.byte(34);
    }
    if (top) out.bytes(this.#srsAttr);
    out.byte(62);
  }

  #point(out: ChunkBuffer, p: number[], gid: string | null, top: boolean): void {
    this.#open(out, TAG.Point, gid, top);
    if (this.#v === '2') {
      out.bytes(COORDINATES);
      this.#position(out, p, COMMA);
      out.bytes(COORDINATES_END);
      out.bytes(END.Point);
      return;
    }
    out.bytes(POS);
    if (p.length > 2) out.add(` srsDimension="${p.length}"`);
    out.byte(62);
    this.#position(out, p, SPACE);
    out.bytes(POS_END);
  }

  #line(out: ChunkBuffer, ps: number[][], gid: string | null, top: boolean): void {
    this.#open(out, TAG.LineString, gid, top);
    this.#coords(out, ps);
    out.bytes(END.LineString);
  }

  #polygon(out: ChunkBuffer, rs: number[][][], gid: string | null, top: boolean): void {
    this.#open(out, TAG.Polygon, gid, top);
    const ring = this.#v === '2' ? RING_2 : RING_3;
    for (let i = 0; i < rs.length; i++) {
      const [open, close] = i === 0 ? ring.outer : ring.inner;
      out.bytes(open);
      this.#coords(out, rs[i]!);
      out.bytes(close);
    }
    out.bytes(END.Polygon);
  }

  /** The members of a multi-geometry, each in `<gml:MEMBER>`, with gml:ids gid.1, gid.2, ... */
  #members<T>(out: ChunkBuffer, outer: keyof typeof TAG, member: string, parts: readonly T[], gid: string, top: boolean, write: (part: T, gid: string) => void): void {
    this.#open(out, TAG[outer], gid, top);
    for (let i = 0; i < parts.length; i++) {
      out.add(`<gml:${member}>`);
      write(parts[i]!, `${gid}.${i + 1}`);
      out.add(`</gml:${member}>`);
    }
    out.add(`</gml:${outer}>`);
  }

  /** Writes the geometry element into `out`; `gid` is the geometry's gml:id (3.2; parts get gid.1, gid.2, ...). */
  writeTo(out: ChunkBuffer, g: Geometry, gid: string, top = true): void {
    const v2 = this.#v === '2';
    switch (g.type) {
      case 'Point': return this.#point(out, g.coordinates, gid, top);
      case 'LineString': return this.#line(out, g.coordinates, gid, top);
      case 'Polygon': return this.#polygon(out, g.coordinates, gid, top);
      case 'MultiPoint':
        return this.#members(out, 'MultiPoint', 'pointMember', g.coordinates, gid, top, (p, id) => this.#point(out, p, id, false));
      case 'MultiLineString':
        return this.#members(out, v2 ? 'MultiLineString' : 'MultiCurve', v2 ? 'lineStringMember' : 'curveMember', g.coordinates, gid, top, (l, id) => this.#line(out, l, id, false));
      case 'MultiPolygon':
        return this.#members(out, v2 ? 'MultiPolygon' : 'MultiSurface', v2 ? 'polygonMember' : 'surfaceMember', g.coordinates, gid, top, (r, id) => this.#polygon(out, r, id, false));
      case 'GeometryCollection':
        return this.#members(out, 'MultiGeometry', 'geometryMember', g.geometries, gid, top, (m, id) => this.writeTo(out, m, id, false));
    }
  }

  /** The geometry element as text. */
  write(g: Geometry, gid: string, top = true): string {
    return ChunkBuffer.render((out) => this.writeTo(out, g, gid, top));
  }

  /** gml:boundedBy content for an extent in x/y order (Box for GML 2, Envelope for 3.x). */
  envelope(b: readonly [number, number, number, number]): string {
    const lo = [b[0], b[1]];
    const hi = [b[2], b[3]];
    return ChunkBuffer.render((out) => {
      if (this.#v === '2') {
        out.add(`<gml:Box${this.#srsAttrText}>`);
        out.bytes(COORDINATES);
        this.#position(out, lo, COMMA);
        out.byte(SPACE);
        this.#position(out, hi, COMMA);
        out.bytes(COORDINATES_END);
        out.add('</gml:Box>');
        return;
      }
      out.add(`<gml:Envelope${this.#srsAttrText}><gml:lowerCorner>`);
      this.#position(out, lo, SPACE);
      out.add('</gml:lowerCorner><gml:upperCorner>');
      this.#position(out, hi, SPACE);
      out.add('</gml:upperCorner></gml:Envelope>');
    });
  }
}

const TAG = {
  Point: utf8('<gml:Point'), LineString: utf8('<gml:LineString'), Polygon: utf8('<gml:Polygon'),
  MultiPoint: utf8('<gml:MultiPoint'), MultiLineString: utf8('<gml:MultiLineString'), MultiCurve: utf8('<gml:MultiCurve'),
  MultiPolygon: utf8('<gml:MultiPolygon'), MultiSurface: utf8('<gml:MultiSurface'), MultiGeometry: utf8('<gml:MultiGeometry'),
};
const END = { Point: utf8('</gml:Point>'), LineString: utf8('</gml:LineString>'), Polygon: utf8('</gml:Polygon>') };
const ringTags = (tag: string): [Buffer, Buffer] => [utf8(`<gml:${tag}><gml:LinearRing>`), utf8(`</gml:LinearRing></gml:${tag}>`)];
const RING_2 = { outer: ringTags('outerBoundaryIs'), inner: ringTags('innerBoundaryIs') };
const RING_3 = { outer: ringTags('exterior'), inner: ringTags('interior') };
