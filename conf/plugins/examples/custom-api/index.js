// The cookbook's custom API: GET /customapi?x=..&y=..&r=.. answers a circle around (x, y) as a GeoJSON
// Feature (the circle segmentised into a closed LineString, as QgsJsonExporter writes a CircularString).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SEGMENTS = 72;

/** A closed ring of points around (x, y). */
function circle(x, y, r) {
  const coords = [];
  for (let i = 0; i <= SEGMENTS; i++) {
    const a = (2 * Math.PI * (i % SEGMENTS)) / SEGMENTS;
    coords.push([x + r * Math.cos(a), y + r * Math.sin(a)]);
  }
  return coords;
}

export function serverClassFactory(serverIface, ows) {
  const { OgcApi, OgcApiHandler, QueryStringParameter, InvalidParameterError } = ows;

  class CustomApiHandler extends OgcApiHandler {
    constructor() {
      super();
      this.setContentTypes([OgcApi.HTML, OgcApi.JSON]);
    }
    path() {
      return /\/customapi/;
    }
    operationId() {
      return 'CustomApiXYCircle';
    }
    summary() {
      return 'Creates a circle around a point';
    }
    description() {
      return 'Creates a circle around a point';
    }
    linkTitle() {
      return 'Custom Api XY Circle';
    }
    linkType() {
      return OgcApi.data;
    }
    async handleRequest(context) {
      const values = this.values(context);
      const { x, y, r } = values;
      if (r <= 0) throw new InvalidParameterError('r', `r ('${r}') must be greater than 0`);
      const feature = {
        type: 'Feature',
        geometry: { type: 'LineString', coordinates: circle(x, y, r) },
        properties: { x, y, r },
      };
      await this.write(feature, context, { x, y, r });
    }
    templatePath() {
      return path.join(here, 'circle.html');
    }
    parameters() {
      return [
        new QueryStringParameter('x', true, QueryStringParameter.Type.Double, 'X coordinate'),
        new QueryStringParameter('y', true, QueryStringParameter.Type.Double, 'Y coordinate'),
        new QueryStringParameter('r', true, QueryStringParameter.Type.Double, 'radius'),
      ];
    }
  }

  const api = new OgcApi(serverIface, '/customapi', 'custom api', 'a custom api', '1.1');
  api.registerHandler(new CustomApiHandler());
  serverIface.serviceRegistry().registerApi(api);
  return api;
}
