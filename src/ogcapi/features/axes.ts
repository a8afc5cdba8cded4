/**
 * Axis order of the answers (Part 2): coordinates are written in the order the CRS defines, so a feature read
 * in x/y (the data layer's order) is written y/x for EPSG:4326 and other latitude- or northing-first CRSs. The
 * GeoJSON writer writes what it is given; these copies give it swapped geometries.
 */
import type { Feature, Geometry } from '../../data/index.js';

function swapPositions(c: unknown): unknown {
  if (Array.isArray(c) && typeof c[0] === 'number') {
    const [x, y, ...rest] = c as number[];
    return [y, x, ...rest];
  }
  return (c as unknown[]).map(swapPositions);
}

/** A copy of a geometry with x and y swapped in every position. */
export function swapGeometry(g: Geometry): Geometry {
  if (g.type === 'GeometryCollection') return { type: 'GeometryCollection', geometries: g.geometries.map(swapGeometry) };
  return { type: g.type, coordinates: swapPositions(g.coordinates) } as Geometry;
}

/** A copy of a feature with its geometry's axes swapped. */
export function swapFeature(f: Feature): Feature {
  return f.geometry ? { ...f, geometry: swapGeometry(f.geometry) } : f;
}

/** Batches of features with their axes swapped, read lazily from the source (return() passed on). */
export function swappedBatches(source: AsyncIterable<Feature[]>): AsyncIterable<Feature[]> {
  return {
    [Symbol.asyncIterator]: () => {
      const it = source[Symbol.asyncIterator]();
      return {
        next: async () => {
          const r = await it.next();
          return r.done ? r : { done: false, value: r.value.map(swapFeature) };
        },
        return: async () => {
          await it.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
