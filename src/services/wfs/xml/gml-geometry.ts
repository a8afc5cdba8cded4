/** GML 2 / 3.1 / 3.2 geometries (and gml:Envelope / gml:Box) read into GeoJSON, coordinates as written. */
import type { Geometry } from '../../../data/types.js';
import { attr, childNamed, childrenNamed, isGml, parseError, type XmlElement } from './xml-tree.js';

/** A geometry read from GML with the srsName found on it or an ancestor (null when absent). */
export interface GmlGeometry {
  geometry: Geometry;
  srsName: string | null;
}

/** Reads a GML geometry element; throws OperationParsingFailed naming the element when it is not one we read. */
export function readGmlGeometry(el: XmlElement, inheritedSrs: string | null = null): GmlGeometry {
  if (!isGml(el.ns)) throw parseError(el, 'Expected a GML geometry');
  const srsName = attr(el, 'srsName') ?? inheritedSrs;
  const dim = dimension(el, 2);
  return { geometry: readGeometry(el, dim), srsName };
}

function dimension(el: XmlElement, fallback: number): number {
  const d = attr(el, 'srsDimension');
  if (d === undefined) return fallback;
  const n = Number(d);
  if (!Number.isInteger(n) || n < 1 || n > 4) throw parseError(el, `Bad srsDimension "${d}"`);
  return n;
}

function readGeometry(el: XmlElement, dim: number): Geometry {
  switch (el.local) {
    case 'Point': {
      const pts = positions(el, dim);
      if (pts.length !== 1) throw parseError(el, 'A point needs exactly one position');
      return { type: 'Point', coordinates: pts[0] };
    }
    case 'LineString':
    case 'LinearRing': {
      const pts = positions(el, dim);
      if (pts.length < 2) throw parseError(el, 'A line needs at least two positions');
      return { type: 'LineString', coordinates: pts };
    }
    case 'Curve': {
      const coords: number[][] = [];
      for (const seg of childNamed(el, 'segments')?.children ?? []) coords.push(...positions(seg, dimension(seg, dim)));
      if (coords.length < 2) throw parseError(el, 'A curve needs at least two positions');
      return { type: 'LineString', coordinates: coords };
    }
    case 'Polygon':
    case 'PolygonPatch':
      return { type: 'Polygon', coordinates: polygonRings(el, dim) };
    case 'Surface': {
      const patches = childNamed(el, 'patches');
      const polys = patches ? childrenNamed(patches, 'PolygonPatch').map((p) => polygonRings(p, dimension(p, dim))) : [];
      if (polys.length === 1) return { type: 'Polygon', coordinates: polys[0] };
      if (polys.length === 0) throw parseError(el, 'A surface needs a polygon patch');
      return { type: 'MultiPolygon', coordinates: polys };
    }
    case 'Envelope':
    case 'Box':
      return envelopePolygon(el, dim);
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: members(el, dim, ['pointMember', 'pointMembers']).map((g) => {
        if (g.type !== 'Point') throw parseError(el, `Expected Point members, found ${g.type}`);
        return g.coordinates;
      }) };
    case 'MultiLineString':
    case 'MultiCurve':
      return { type: 'MultiLineString', coordinates: members(el, dim, ['lineStringMember', 'curveMember', 'curveMembers']).map((g) => {
        if (g.type !== 'LineString') throw parseError(el, `Expected LineString members, found ${g.type}`);
        return g.coordinates;
      }) };
    case 'MultiPolygon':
    case 'MultiSurface': {
      const polys: number[][][][] = [];
      for (const g of members(el, dim, ['polygonMember', 'surfaceMember', 'surfaceMembers'])) {
        if (g.type === 'Polygon') polys.push(g.coordinates);
        else if (g.type === 'MultiPolygon') polys.push(...g.coordinates);
        else throw parseError(el, `Unexpected ${g.type} member`);
      }
      return { type: 'MultiPolygon', coordinates: polys };
    }
    case 'MultiGeometry':
      return { type: 'GeometryCollection', geometries: members(el, dim, ['geometryMember', 'geometryMembers']) };
    default:
      throw parseError(el, 'Unsupported GML geometry');
  }
}

function members(el: XmlElement, dim: number, names: string[]): Geometry[] {
  const out: Geometry[] = [];
  for (const m of childrenNamed(el, ...names)) {
    for (const g of m.children) out.push(readGeometry(g, dimension(g, dim)));
  }
  return out;
}

function polygonRings(el: XmlElement, dim: number): number[][][] {
  const rings: number[][][] = [];
  const outer = childrenNamed(el, 'exterior', 'outerBoundaryIs');
  if (outer.length !== 1) throw parseError(el, 'A polygon needs exactly one exterior ring');
  for (const boundary of [...outer, ...childrenNamed(el, 'interior', 'innerBoundaryIs')]) {
    const ring = childNamed(boundary, 'LinearRing');
    if (!ring) throw parseError(boundary, 'Expected a gml:LinearRing');
    const pts = positions(ring, dimension(ring, dim));
    if (pts.length < 4) throw parseError(ring, 'A ring needs at least four positions');
    rings.push(pts);
  }
  return rings;
}

function envelopePolygon(el: XmlElement, dim: number): Geometry {
  let lo: number[];
  let hi: number[];
  const lower = childNamed(el, 'lowerCorner');
  const upper = childNamed(el, 'upperCorner');
  if (lower && upper) {
    lo = numbers(lower, lower.text);
    hi = numbers(upper, upper.text);
  } else {
    const pts = positions(el, dim);
    if (pts.length !== 2) throw parseError(el, 'An envelope needs two corners');
    [lo, hi] = pts;
  }
  if (lo.length < 2 || hi.length < 2) throw parseError(el, 'An envelope corner needs two coordinates');
  const [x0, y0, x1, y1] = [lo[0], lo[1], hi[0], hi[1]];
  return { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] };
}

/** The positions of a simple element, from gml:pos*, gml:posList, gml:coordinates or gml:coord. */
function positions(el: XmlElement, dim: number): number[][] {
  const posList = childNamed(el, 'posList');
  if (posList) {
    const d = dimension(posList, dim);
    const flat = numbers(posList, posList.text);
    if (flat.length % d !== 0) throw parseError(posList, `Coordinate count is not a multiple of ${d}`);
    const out: number[][] = [];
    for (let i = 0; i < flat.length; i += d) out.push(flat.slice(i, i + d));
    return out;
  }
  const coordinates = childNamed(el, 'coordinates');
  if (coordinates) {
    const cs = attr(coordinates, 'cs') ?? ',';
    const ts = attr(coordinates, 'ts') ?? ' ';
    const decimal = attr(coordinates, 'decimal') ?? '.';
    const tuples = coordinates.text.trim().split(ts === ' ' ? /\s+/ : ts).filter((t) => t.trim() !== '');
    return tuples.map((t) => {
      const parts = t.trim().split(cs).map((p) => (decimal === '.' ? p : p.split(decimal).join('.')));
      return numbers(coordinates, parts.join(' '));
    });
  }
  const pos = childrenNamed(el, 'pos');
  if (pos.length > 0) return pos.map((p) => numbers(p, p.text));
  const coord = childrenNamed(el, 'coord');
  if (coord.length > 0) {
    return coord.map((c) => {
      const v = ['X', 'Y', 'Z'].map((n) => childNamed(c, n)).filter((x): x is XmlElement => x !== undefined);
      return numbers(c, v.map((x) => x.text).join(' '));
    });
  }
  const points = childrenNamed(el, 'pointProperty', 'pointRep');
  if (points.length > 0) return points.map((p) => positions(p.children[0] ?? p, dim)[0]);
  throw parseError(el, 'No coordinates found');
}

function numbers(el: XmlElement, text: string): number[] {
  const parts = text.trim().split(/\s+/).filter((p) => p !== '');
  const out = parts.map(Number);
  if (out.length === 0 || out.some((n) => !Number.isFinite(n))) throw parseError(el, `Bad coordinates "${text.trim().slice(0, 80)}"`);
  return out;
}
