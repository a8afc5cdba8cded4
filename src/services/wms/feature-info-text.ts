/**
 * GetFeatureInfo as text/plain and text/html, laid out as QGIS Server lays them out: a heading, then
 * per layer its name and per feature its id and `alias = 'value'` lines (raster: one line per band,
 * 'no data' for nodata). The HTML is well-formed XHTML with every value escaped.
 */
import { toWkt } from './feature-info-geometry.js';
import { bandText, valueText, type FeatureInfo, type InfoFeature } from './feature-info-model.js';

/** The name/value rows QGIS shows for a feature: its attributes by alias, then the geometry as WKT when asked for. */
export function featureRows(info: FeatureInfo, feature: InfoFeature): Array<[string, string]> {
  const rows: Array<[string, string]> = feature.attributes.map((a) => [a.alias || a.name, valueText(a.value)]);
  if (info.withGeometry && feature.geometry) rows.push(['geometry', toWkt(feature.geometry, info.precision)]);
  return rows;
}

/** text/plain. */
export function featureInfoText(info: FeatureInfo): string {
  let out = 'GetFeatureInfo results\n\n';
  for (const layer of info.layers) {
    out += `Layer '${layer.name}'\n`;
    if (layer.kind === 'vector') {
      for (const f of layer.features) {
        out += `Feature ${f.id}\n`;
        for (const [name, value] of featureRows(info, f)) out += `${name} = '${value}'\n`;
      }
    } else {
      for (const b of layer.bands) out += `${b.name} = '${bandText(b.value) || 'no data'}'\n`;
    }
    out += '\n';
  }
  return out;
}

/** text/html. */
export function featureInfoHtml(info: FeatureInfo): string {
  const lines = [
    '<!DOCTYPE html>',
    '<html xmlns="http://www.w3.org/1999/xhtml">',
    '<head>',
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>',
    '<title>GetFeatureInfo results</title>',
    '</head>',
    '<body>',
  ];
  for (const layer of info.layers) {
    lines.push('<table border="1" width="100%" class="layer">');
    lines.push(`<tr><th width="25%">Layer</th><td>${esc(layer.name)}</td></tr>`);
    if (layer.kind === 'vector') {
      for (const f of layer.features) {
        lines.push('<tr><td colspan="2">');
        lines.push('<table border="1" width="100%" class="feature">');
        lines.push(`<tr><th>Feature</th><td>${esc(String(f.id))}</td></tr>`);
        for (const [name, value] of featureRows(info, f)) lines.push(`<tr><th>${esc(name)}</th><td>${esc(value)}</td></tr>`);
        lines.push('</table>');
        lines.push('</td></tr>');
      }
    } else {
      for (const b of layer.bands) lines.push(`<tr><th>${esc(b.name)}</th><td>${esc(bandText(b.value) || 'no data')}</td></tr>`);
    }
    lines.push('</table>');
    lines.push('<br/>');
  }
  lines.push('</body>', '</html>', '');
  return lines.join('\n');
}

/** Escapes text for HTML/XML content and attribute values. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

