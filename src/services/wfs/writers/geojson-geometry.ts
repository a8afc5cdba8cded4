/** GeoJSON geometry objects written as bytes (coordinates rounded to the output's decimals, non-finite as null). */
import type { Geometry } from '../../../data/types.js';
import { ChunkBuffer, jsonNull, utf8 } from './chunk-buffer.js';
import { MAX_DECIMALS } from './values.js';

const OPEN = {
  Point: utf8('{"type":"Point","coordinates":'),
  MultiPoint: utf8('{"type":"MultiPoint","coordinates":'),
  LineString: utf8('{"type":"LineString","coordinates":'),
  MultiLineString: utf8('{"type":"MultiLineString","coordinates":'),
  Polygon: utf8('{"type":"Polygon","coordinates":'),
  MultiPolygon: utf8('{"type":"MultiPolygon","coordinates":'),
  GeometryCollection: utf8('{"type":"GeometryCollection","geometries":'),
};
const NULL = utf8('null');
const COMMA = 44, OPEN_BRACKET = 91, CLOSE_BRACKET = 93, CLOSE_BRACE = 125;

/** Writes GeoJSON geometries with coordinates of `decimals` places (0..9, default 9). */
export class GeoJsonGeometryWriter {
  readonly #d: number;

  constructor(decimals: number = MAX_DECIMALS) {
    this.#d = Math.max(0, Math.min(MAX_DECIMALS, Math.floor(decimals)));
  }

  #pos(out: ChunkBuffer, p: number[]): void {
    const d = this.#d;
    out.byte(OPEN_BRACKET);
    out.coordinate(p[0]!, d, jsonNull);
    out.byte(COMMA);
    out.coordinate(p[1]!, d, jsonNull);
    for (let i = 2; i < p.length; i++) {
      out.byte(COMMA);
      out.coordinate(p[i]!, d, jsonNull);
    }
    out.byte(CLOSE_BRACKET);
  }

  #line(out: ChunkBuffer, ps: number[][]): void {
    out.byte(OPEN_BRACKET);
    for (let i = 0; i < ps.length; i++) {
      if (i) out.byte(COMMA);
      this.#pos(out, ps[i]!);
    }
    out.byte(CLOSE_BRACKET);
  }

  #rings(out: ChunkBuffer, rs: number[][][]): void {
    out.byte(OPEN_BRACKET);
    for (let i = 0; i < rs.length; i++) {
      if (i) out.byte(COMMA);
      this.#line(out, rs[i]!);
    }
    out.byte(CLOSE_BRACKET);
  }

  /** The geometry object ('null' for none). */
  write(out: ChunkBuffer, g: Geometry | null): void {
    if (!g) return out.bytes(NULL);
    out.bytes(OPEN[g.type]);
    switch (g.type) {
      case 'Point': this.#pos(out, g.coordinates); break;
      case 'MultiPoint': case 'LineString': this.#line(out, g.coordinates); break;
      case 'MultiLineString': case 'Polygon': this.#rings(out, g.coordinates); break;
      case 'MultiPolygon':
        out.byte(OPEN_BRACKET);
        for (let i = 0; i < g.coordinates.length; i++) {
          if (i) out.byte(COMMA);
          this.#rings(out, g.coordinates[i]!);
        }
        out.byte(CLOSE_BRACKET);
        break;
      case 'GeometryCollection':
        out.byte(OPEN_BRACKET);
        for (let i = 0; i < g.geometries.length; i++) {
          if (i) out.byte(COMMA);
          this.write(out, g.geometries[i]!);
        }
        out.byte(CLOSE_BRACKET);
        break;
    }
    out.byte(CLOSE_BRACE);
  }
}

/** A GeoJSON geometry object as text ('null' for none), coordinates of `decimals` places. */
export function geoJsonGeometry(g: Geometry | null, decimals: number = MAX_DECIMALS): string {
  const writer = new GeoJsonGeometryWriter(decimals);
  return ChunkBuffer.render((out) => writer.write(out, g));
}
