/**
 * GetFeatureInfo as text/xml: QGIS Server's GetFeatureInfoResponse document. Per layer a
 * <Layer name>, per feature a <Feature id> of <Attribute name value> (names are the aliases); with
 * WITH_GEOMETRY a <BoundingBox CRS|SRS minx maxx miny maxy> and the WKT as a "derived" attribute.
 * Raster layers list an <Attribute> per band directly in the <Layer>.
 */
import { create } from 'xmlbuilder2';
import { toWkt } from './feature-info-geometry.js';
import { featureRows } from './feature-info-text.js';
import { bandText, coord, geometryBBox, type FeatureInfo } from './feature-info-model.js';

/** text/xml. */
export function featureInfoXml(info: FeatureInfo): string {
  const root = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' }).ele('GetFeatureInfoResponse');
  for (const layer of info.layers) {
    const le = root.ele('Layer', { name: layer.name });
    if (layer.kind === 'raster') {
      for (const b of layer.bands) le.ele('Attribute', { name: b.name, value: bandText(b.value) });
      continue;
    }
    for (const f of layer.features) {
      const fe = le.ele('Feature', { id: String(f.id) });
      for (const [name, value] of featureRows({ ...info, withGeometry: false }, f)) fe.ele('Attribute', { name, value });
      if (!info.withGeometry || !f.geometry) continue;
      const b = geometryBBox(f.geometry);
      if (b) {
        const c = (v: number) => coord(v, info.precision);
        fe.ele('BoundingBox', { [info.version === '1.1.1' ? 'SRS' : 'CRS']: info.crs, minx: c(b[0]), maxx: c(b[2]), miny: c(b[1]), maxy: c(b[3]) });
      }
      fe.ele('Attribute', { name: 'geometry', value: toWkt(f.geometry, info.precision), type: 'derived' });
    }
  }
  return root.end({ prettyPrint: true });
}
