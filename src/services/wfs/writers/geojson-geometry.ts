/** GeoJSON geometry text without JSON.stringify (numbers via String(), non-finite as null). */
import type { Geometry } from '../../../data/types.js';

function num(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

function pos(p: number[]): string {
  let s = '[' + num(p[0]!) + ',' + num(p[1]!);
  for (let i = 2; i < p.length; i++) s += ',' + num(p[i]!);
  return s + ']';
}

function line(ps: number[][]): string {
  let s = '[';
  for (let i = 0; i < ps.length; i++) s += (i ? ',' : '') + pos(ps[i]!);
  return s + ']';
}

function rings(rs: number[][][]): string {
  let s = '[';
  for (let i = 0; i < rs.length; i++) s += (i ? ',' : '') + line(rs[i]!);
  return s + ']';
}

/** A GeoJSON geometry object as text ('null' for none). */
export function geoJsonGeometry(g: Geometry | null): string {
  if (!g) return 'null';
  switch (g.type) {
    case 'Point': return '{"type":"Point","coordinates":' + pos(g.coordinates) + '}';
    case 'MultiPoint': return '{"type":"MultiPoint","coordinates":' + line(g.coordinates) + '}';
    case 'LineString': return '{"type":"LineString","coordinates":' + line(g.coordinates) + '}';
    case 'MultiLineString': return '{"type":"MultiLineString","coordinates":' + rings(g.coordinates) + '}';
    case 'Polygon': return '{"type":"Polygon","coordinates":' + rings(g.coordinates) + '}';
    case 'MultiPolygon': {
      let s = '{"type":"MultiPolygon","coordinates":[';
      for (let i = 0; i < g.coordinates.length; i++) s += (i ? ',' : '') + rings(g.coordinates[i]!);
      return s + ']}';
    }
    case 'GeometryCollection': {
      let s = '{"type":"GeometryCollection","geometries":[';
      for (let i = 0; i < g.geometries.length; i++) s += (i ? ',' : '') + geoJsonGeometry(g.geometries[i]!);
      return s + ']}';
    }
  }
}
