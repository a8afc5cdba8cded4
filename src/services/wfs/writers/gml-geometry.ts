/** GML 2 / 3.1.1 / 3.2 geometry text (the shapes QGIS Server and GeoServer write, read by GDAL and OWSLib). */
import type { Geometry } from '../../../data/types.js';
import { escapeXmlAttr } from './escape.js';
import { coordinateFormatter, xmlNonFinite } from './values.js';

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

/** Writes geometries of one request; `write(g, gid)` returns the geometry element text. */
export class GmlGeometryWriter {
  readonly #v: GmlVersion;
  readonly #swap: boolean;
  readonly #num: (n: number) => string;
  readonly #srsAttr: string;

  constructor(opts: GmlGeometryOptions) {
    this.#v = opts.version;
    this.#swap = opts.swapAxes === true;
    this.#num = coordinateFormatter(opts.decimals, xmlNonFinite);
    this.#srsAttr = opts.srsName ? ` srsName="${escapeXmlAttr(opts.srsName)}"` : '';
  }

  /** One position "x y" (3.x) in output axis order. */
  #pos(p: number[]): string {
    const num = this.#num;
    let s = this.#swap ? num(p[1]!) + ' ' + num(p[0]!) : num(p[0]!) + ' ' + num(p[1]!);
    for (let i = 2; i < p.length; i++) s += ' ' + num(p[i]!);
    return s;
  }

  /** GML 2 tuple "x,y". */
  #tuple(p: number[]): string {
    const num = this.#num;
    let s = this.#swap ? num(p[1]!) + ',' + num(p[0]!) : num(p[0]!) + ',' + num(p[1]!);
    for (let i = 2; i < p.length; i++) s += ',' + num(p[i]!);
    return s;
  }

  #coords(ps: number[][]): string {
    if (this.#v === '2') {
      let s = '<gml:coordinates decimal="." cs="," ts=" ">';
      for (let i = 0; i < ps.length; i++) s += (i ? ' ' : '') + this.#tuple(ps[i]!);
      return s + '</gml:coordinates>';
    }
    const dim = ps.length && ps[0]!.length > 2 ? ` srsDimension="${ps[0]!.length}"` : '';
    let s = `<gml:posList${dim}>`;
    for (let i = 0; i < ps.length; i++) s += (i ? ' ' : '') + this.#pos(ps[i]!);
    return s + '</gml:posList>';
  }

  /** Opening-tag attributes: gml:id (3.2 only) and srsName (top-level only). */
  #attrs(gid: string | null, top: boolean): string {
    return (this.#v === '3.2' && gid !== null ? ` gml:id="${gid}"` : '') + (top ? this.#srsAttr : '');
  }

  #point(p: number[], gid: string | null, top: boolean): string {
    const a = this.#attrs(gid, top);
    if (this.#v === '2') return `<gml:Point${a}><gml:coordinates decimal="." cs="," ts=" ">${this.#tuple(p)}</gml:coordinates></gml:Point>`;
    const dim = p.length > 2 ? ` srsDimension="${p.length}"` : '';
    return `<gml:Point${a}><gml:pos${dim}>${this.#pos(p)}</gml:pos></gml:Point>`;
  }

  #line(ps: number[][], gid: string | null, top: boolean): string {
    return `<gml:LineString${this.#attrs(gid, top)}>${this.#coords(ps)}</gml:LineString>`;
  }

  #polygon(rs: number[][][], gid: string | null, top: boolean): string {
    let s = `<gml:Polygon${this.#attrs(gid, top)}>`;
    const v2 = this.#v === '2';
    for (let i = 0; i < rs.length; i++) {
      const tag = i === 0 ? (v2 ? 'outerBoundaryIs' : 'exterior') : v2 ? 'innerBoundaryIs' : 'interior';
      s += `<gml:${tag}><gml:LinearRing>${this.#coords(rs[i]!)}</gml:LinearRing></gml:${tag}>`;
    }
    return s + '</gml:Polygon>';
  }

  /** The geometry element; `gid` is the geometry's gml:id (3.2; parts get gid.1, gid.2, ...). */
  write(g: Geometry, gid: string, top = true): string {
    const v2 = this.#v === '2';
    switch (g.type) {
      case 'Point': return this.#point(g.coordinates, gid, top);
      case 'LineString': return this.#line(g.coordinates, gid, top);
      case 'Polygon': return this.#polygon(g.coordinates, gid, top);
      case 'MultiPoint': {
        let s = `<gml:MultiPoint${this.#attrs(gid, top)}>`;
        g.coordinates.forEach((p, i) => { s += '<gml:pointMember>' + this.#point(p, `${gid}.${i + 1}`, false) + '</gml:pointMember>'; });
        return s + '</gml:MultiPoint>';
      }
      case 'MultiLineString': {
        const [outer, member] = v2 ? ['MultiLineString', 'lineStringMember'] : ['MultiCurve', 'curveMember'];
        let s = `<gml:${outer}${this.#attrs(gid, top)}>`;
        g.coordinates.forEach((l, i) => { s += `<gml:${member}>` + this.#line(l, `${gid}.${i + 1}`, false) + `</gml:${member}>`; });
        return s + `</gml:${outer}>`;
      }
      case 'MultiPolygon': {
        const [outer, member] = v2 ? ['MultiPolygon', 'polygonMember'] : ['MultiSurface', 'surfaceMember'];
        let s = `<gml:${outer}${this.#attrs(gid, top)}>`;
        g.coordinates.forEach((r, i) => { s += `<gml:${member}>` + this.#polygon(r, `${gid}.${i + 1}`, false) + `</gml:${member}>`; });
        return s + `</gml:${outer}>`;
      }
      case 'GeometryCollection': {
        let s = `<gml:MultiGeometry${this.#attrs(gid, top)}>`;
        g.geometries.forEach((m, i) => { s += '<gml:geometryMember>' + this.write(m, `${gid}.${i + 1}`, false) + '</gml:geometryMember>'; });
        return s + '</gml:MultiGeometry>';
      }
    }
  }

  /** gml:boundedBy content for an extent in x/y order (Box for GML 2, Envelope for 3.x). */
  envelope(b: readonly [number, number, number, number]): string {
    const lo = [b[0], b[1]];
    const hi = [b[2], b[3]];
    if (this.#v === '2') return `<gml:Box${this.#srsAttr}><gml:coordinates decimal="." cs="," ts=" ">${this.#tuple(lo)} ${this.#tuple(hi)}</gml:coordinates></gml:Box>`;
    return `<gml:Envelope${this.#srsAttr}><gml:lowerCorner>${this.#pos(lo)}</gml:lowerCorner><gml:upperCorner>${this.#pos(hi)}</gml:upperCorner></gml:Envelope>`;
  }
}
