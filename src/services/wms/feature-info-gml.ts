/**
 * GetFeatureInfo as application/vnd.ogc.gml (GML 2) and application/vnd.ogc.gml/3.1.1 (GML 3), as
 * QGIS Server writes them: a wfs:FeatureCollection of gml:featureMember, each a qgs:<layer> element
 * with fid "layer.id" and one qgs:<field> element per authorised attribute (field names, not aliases).
 * With WITH_GEOMETRY a feature also has gml:boundedBy (gml:Box / gml:Envelope) and qgs:geometry.
 * Coordinates are x/y in the request CRS, srsName "EPSG:n" (the x/y convention of that spelling).
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { Geometry } from '../../data/index.js';
import { bandText, coord, geometryBBox, xmlName, type FeatureInfo } from './feature-info-model.js';

const WFS = 'http://www.opengis.net/wfs';
const GML = 'http://www.opengis.net/gml';
const QGS = 'http://qgis.org/gml';

/** GML 2 (version 2) or GML 3.1.1 (version 3). */
export function featureInfoGml(info: FeatureInfo, version: 2 | 3): string {
  const root = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' }).ele(WFS, 'wfs:FeatureCollection', {
    'xmlns:ogc': 'http://www.opengis.net/ogc',
    'xmlns:gml': GML,
    'xmlns:ows': 'http://www.opengis.net/ows',
    'xmlns:xlink': 'http://www.w3.org/1999/xlink',
    'xmlns:qgs': QGS,
    'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
    'xsi:schemaLocation': 'http://www.opengis.net/wfs http://schemas.opengis.net/wfs/1.0.0/wfs.xsd',
  });
  const w = new GmlWriter(info.precision, version, info.crs);
  for (const layer of info.layers) {
    const typeName = `qgs:${xmlName(layer.name)}`;
    if (layer.kind === 'raster') {
      if (layer.bands.length === 0) continue;
      const fe = root.ele(GML, 'gml:featureMember').ele(QGS, typeName, { fid: layer.name });
      for (const b of layer.bands) fe.ele(QGS, `qgs:${xmlName(b.name)}`).txt(bandText(b.value));
      continue;
    }
    for (const f of layer.features) {
      const fe = root.ele(GML, 'gml:featureMember').ele(QGS, typeName, { fid: `${layer.name}.${f.id}` });
      if (info.withGeometry && f.geometry) {
        const b = geometryBBox(f.geometry);
        if (b) w.box(fe.ele(GML, 'gml:boundedBy'), b);
        w.geometry(fe.ele(QGS, 'qgs:geometry'), f.geometry, true);
      }
      for (const a of f.attributes) {
        const el = fe.ele(QGS, `qgs:${xmlName(a.name)}`);
        if (a.value !== null && a.value !== undefined) el.txt(a.value instanceof Date ? a.value.toISOString() : typeof a.value === 'object' ? JSON.stringify(a.value) : String(a.value));
      }
    }
  }
  return root.end({ prettyPrint: true });
}

/** Writes boxes and geometries in GML 2 (gml:coordinates) or GML 3 (gml:pos / gml:posList). */
class GmlWriter {
  constructor(private readonly precision: number, private readonly version: 2 | 3, private readonly srsName: string) {}

  box(parent: XMLBuilder, b: [number, number, number, number]): void {
    if (this.version === 2) {
      parent.ele(GML, 'gml:Box', { srsName: this.srsName }).ele(GML, 'gml:coordinates', { cs: ',', ts: ' ' })
        .txt(`${this.c(b[0])},${this.c(b[1])} ${this.c(b[2])},${this.c(b[3])}`);
    } else {
      const env = parent.ele(GML, 'gml:Envelope', { srsName: this.srsName });
      env.ele(GML, 'gml:lowerCorner').txt(`${this.c(b[0])} ${this.c(b[1])}`);
      env.ele(GML, 'gml:upperCorner').txt(`${this.c(b[2])} ${this.c(b[3])}`);
    }
  }

  geometry(parent: XMLBuilder, g: Geometry, top: boolean): void {
    const attrs: Record<string, string> = top ? { srsName: this.srsName } : {};
    const v3 = this.version === 3;
    switch (g.type) {
      case 'Point':
        this.points(parent.ele(GML, 'gml:Point', attrs), [g.coordinates], true);
        return;
      case 'LineString':
        this.points(parent.ele(GML, 'gml:LineString', attrs), g.coordinates, false);
        return;
      case 'Polygon': {
        const poly = parent.ele(GML, 'gml:Polygon', attrs);
        g.coordinates.forEach((ring, i) => {
          const outer = i === 0;
          const name = v3 ? (outer ? 'gml:exterior' : 'gml:interior') : outer ? 'gml:outerBoundaryIs' : 'gml:innerBoundaryIs';
          this.points(poly.ele(GML, name).ele(GML, 'gml:LinearRing'), ring, false);
        });
        return;
      }
      case 'MultiPoint':
        this.multi(parent, 'gml:MultiPoint', 'gml:pointMember', g.coordinates.map((c) => ({ type: 'Point', coordinates: c })), attrs);
        return;
      case 'MultiLineString':
        this.multi(parent, v3 ? 'gml:MultiCurve' : 'gml:MultiLineString', v3 ? 'gml:curveMember' : 'gml:lineStringMember',
          g.coordinates.map((c) => ({ type: 'LineString', coordinates: c })), attrs);
        return;
      case 'MultiPolygon':
        this.multi(parent, v3 ? 'gml:MultiSurface' : 'gml:MultiPolygon', v3 ? 'gml:surfaceMember' : 'gml:polygonMember',
          g.coordinates.map((c) => ({ type: 'Polygon', coordinates: c })), attrs);
        return;
      case 'GeometryCollection':
        this.multi(parent, 'gml:MultiGeometry', 'gml:geometryMember', g.geometries, attrs);
        return;
    }
  }

  private multi(parent: XMLBuilder, name: string, member: string, parts: Geometry[], attrs: Record<string, string>): void {
    const m = parent.ele(GML, name, attrs);
    for (const part of parts) this.geometry(m.ele(GML, member), part, false);
  }

  private points(el: XMLBuilder, pts: number[][], single: boolean): void {
    if (this.version === 2) {
      el.ele(GML, 'gml:coordinates', { cs: ',', ts: ' ' }).txt(pts.map((p) => `${this.c(p[0]!)},${this.c(p[1]!)}`).join(' '));
    } else {
      el.ele(GML, single ? 'gml:pos' : 'gml:posList', { srsDimension: '2' }).txt(pts.map((p) => `${this.c(p[0]!)} ${this.c(p[1]!)}`).join(' '));
    }
  }

  private c(v: number): string {
    return coord(v, this.precision);
  }
}
