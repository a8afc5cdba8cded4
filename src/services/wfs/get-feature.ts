/**
 * WFS GetFeature (1.0.0, 1.1.0, 2.0.0; KVP and XML POST). The request is read into one shape
 * (get-feature-kvp.ts / get-feature-xml.ts), each query resolved against the project and checked by the data
 * layer before a byte is written (query-resolve.ts, query-paging.ts), then streamed (get-feature-output.ts).
 * Every read goes through ctx.access, where access control is applied.
 */
import type { WfsContext } from './context.js';
import { writeFeatureById } from './get-feature-by-id.js';
import { chooseWriter, writeAnswer } from './get-feature-output.js';
import { parseGetFeatureKvp, sentAs } from './get-feature-kvp.js';
import { parseGetFeatureXml } from './get-feature-xml.js';
import { wfsLayers } from './names.js';
import { probeQuery } from './query-paging.js';
import { resolveQuery } from './query-resolve.js';

/** The GetFeature operation. */
export async function getFeature(ctx: WfsContext): Promise<void> {
  const typeNames = wfsLayers(ctx.project, ctx.access).map((l) => l.name);
  const params = ctx.request.parameters();
  const req = ctx.body ? parseGetFeatureXml(ctx.body) : parseGetFeatureKvp(params, ctx.version, typeNames);
  const writer = chooseWriter(req.outputFormat, ctx.version, ctx.body ? 'outputFormat' : 'OUTPUTFORMAT');
  if (req.byId !== null) return writeFeatureById(ctx, req.byId, writer, typeNames);
  const typeLocator = ctx.body ? 'typeNames' : sentAs(params, ctx.version, 'TYPENAMES', 'TYPENAME');
  const rules = { version: ctx.version, json: writer.gml === null };
  const tqs = await Promise.all(req.queries.map((q) => resolveQuery(ctx, q, rules, typeNames, typeLocator)));
  for (const tq of tqs) probeQuery(ctx, tq);
  await writeAnswer(ctx, req, writer, tqs);
}
