/**
 * The GetFeatureById stored query (WFS 2.0 §7.9.3.6): the feature named by ID (`type.id`) as a document of its own,
 * or NotFound (404) — the same for an id of a hidden feature or type as for one that does not exist.
 */
import { NotFoundError } from '../../errors/ogc-error.js';
import type { WfsContext } from './context.js';
import { partMeta, schemaLocation } from './get-feature-output.js';
import { emptyQuery } from './get-feature-request.js';
import { splitFeatureId } from './names.js';
import { readQuery } from './query-paging.js';
import { resolveQuery } from './query-resolve.js';
import type { FeatureWriter } from './writers/index.js';

/** Answers GetFeatureById for `written` with the writer's lone-feature form. */
export async function writeFeatureById(ctx: WfsContext, written: string, writer: FeatureWriter, typeNames: readonly string[]): Promise<void> {
  const notFound = () => new NotFoundError(`There is no feature '${written.slice(0, 100)}'`, 'ID');
  const { type, id } = splitFeatureId(written, typeNames);
  if (type === null) throw notFound();
  const q = { ...emptyQuery(type), ids: [id] };
  const tq = await resolveQuery(ctx, q, { version: ctx.version, json: writer.gml === null }, typeNames, 'ID');
  const it = readQuery(ctx, tq, 0, 1)[Symbol.asyncIterator]();
  const first = await it.next();
  await it.return?.();
  if (first.done) throw notFound();
  const meta = { ...partMeta(tq, writer.gml === null), schemaLocation: schemaLocation(ctx, writer, [tq]) };
  ctx.response.setHeader('Content-Type', writer.mimeType);
  ctx.response.write(writer.lone(first.value, meta));
}
