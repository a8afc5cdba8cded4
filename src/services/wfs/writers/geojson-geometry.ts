/** GeoJSON geometry text without JSON.stringify (coordinates by a coordinateFormatter, non-finite as null). */
import type { Geometry } from '../../../data/types.js';
import { coordinateFormatter } from './values.js';

type Fmt = (n: number) => string;

function pos(p: number[], num: Fmt): string {
  let s = '[' + num(p[0]!) + ',' + num(p[1]!);
  for (let i = 2; i < p.length; i++) s += ',' + num(p[i]!);
  return s + ']';
}

function line(ps: number[][], num: Fmt): string {
  let s = '[';
  for (let i = 0; i < ps.length; i++) s += (i ? ',' : '') + pos(ps[i]!, num);
  return s + ']';
}

function rings(rs: number[][][], num: Fmt): string {
  let s = '[';
  for (let i = 0; i < rs.length; i++) s += (i ? ',' : '') + line(rs[i]!, num);
  return s + ']';
}

const DEFAULT_FORMAT = coordinateFormatter();

/** A GeoJSON geometry object as text ('null' for none). */
export function geoJsonGeometry(g: Geometry | null, num: Fmt = DEFAULT_FORMAT): string {
  if (!g) return 'null';
  switch (g.type) {
    case 'Point': return '{"type":"Point","coordinates":' + pos(g.coordinates, num) + '}';
    case 'MultiPoint': return '{"type":"MultiPoint","coordinates":' + line(g.coordinates, num) + '}';
    case 'LineString': return '{"type":"LineString","coordinates":' + line(g.coordinates, num) + '}';
    case 'MultiLineString': return '{"type":"MultiLineString","coordinates":' + rings(g.coordinates, num) + '}';
    case 'Polygon': return '{"type":"Polygon","coordinates":' + rings(g.coordinates, num) + '}';
    case 'MultiPolygon': {
      let s = '{"type":"MultiPolygon","coordinates":[';
      for (let i = 0; i < g.coordinates.length; i++) s += (i ? ',' : '') + rings(g.coordinates[i]!, num);
      return s + ']}';
    }
    case 'GeometryCollection': {
      let s = '{"type":"GeometryCollection","geometries":[';
      for (let i = 0; i < g.geometries.length; i++) s += (i ? ',' : '') + geoJsonGeometry(g.geometries[i]!, num);
      return s + ']}';
    }
  }
}
