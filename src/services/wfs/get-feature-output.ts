/**
 * Writes a GetFeature answer: picks the writer, places the page (counted first where the format writes the counts
 * before the features, else while reading), and streams the parts through the response (the ChunkSink: each flush
 * runs the sendResponse filters and waits for the client).
 */
import type { Feature } from '../../data/index.js';
import { OgcError } from '../../errors/ogc-error.js';
import type { WfsContext } from './context.js';
import type { GetFeatureRequest } from './get-feature-request.js';
import { pagingLinks, type PageNumbers } from './get-feature-links.js';
import { WFS_NAMESPACE, WFS_PREFIX } from './names.js';
import { countedPage, EMPTY_BATCHES, LazyPager, readQueryBatches, relocate } from './query-paging.js';
import { queryTypeNames, type TypeQuery } from './query-resolve.js';
import type { WfsVersion } from './version.js';
import { primed } from './writers/primed.js';
import { writerForFormat, type AnswerMeta, type CollectionMeta, type CollectionPart, type FeatureWriter } from './writers/index.js';

const DEFAULT_FORMAT: Readonly<Record<WfsVersion, string>> = { '1.0.0': 'GML2', '1.1.0': 'GML3', '2.0.0': 'GML32' };
/** Generic XML / GML names: the version's own GML. */
const GENERIC = /^\s*(xml|gml|text\/xml|application\/xml)\s*$/i;

/** The writer for OUTPUTFORMAT (the version's GML when absent or generic); unknown → InvalidParameterValue. */
export function chooseWriter(format: string | null, version: WfsVersion, locator = 'OUTPUTFORMAT'): FeatureWriter {
  const f = format === null || GENERIC.test(format) ? DEFAULT_FORMAT[version] : format;
  const w = writerForFormat(f);
  if (!w) throw new OgcError('InvalidParameterValue', `Output format '${f.slice(0, 80)}' is not offered; use GML2, GML3, GML32 or GeoJSON`, { locator });
  return w;
}

/** DescribeFeatureType's outputFormat for each GML flavour (XMLSCHEMA means GML 2 only in WFS 1.0). */
const SCHEMA_FORMAT = { '2': 'text/xml; subtype=gml/2.1.2', '3.1.1': 'text/xml; subtype=gml/3.1.1', '3.2': 'application/gml+xml; version=3.2' } as const;

/** The DescribeFeatureType URL of the answer's types (xsi:schemaLocation). */
export function schemaLocation(ctx: WfsContext, writer: FeatureWriter, tqs: readonly TypeQuery[]): string | undefined {
  if (writer.gml === null) return undefined;
  const typeParam = ctx.version === '2.0.0' ? 'TYPENAMES' : 'TYPENAME';
  return `${ctx.onlineResource}SERVICE=WFS&VERSION=${ctx.version}&REQUEST=DescribeFeatureType`
    + `&${typeParam}=${encodeURIComponent(queryTypeNames(tqs).join(','))}`
    + `&OUTPUTFORMAT=${encodeURIComponent(ctx.version === '1.0.0' && writer.gml === '2' ? 'XMLSCHEMA' : SCHEMA_FORMAT[writer.gml])}`;
}

/** The writer's meta for one query's features. */
export function partMeta(tq: TypeQuery, json: boolean, counts: { numberMatched?: number; numberReturned?: number } = {}): CollectionMeta {
  return {
    typeName: tq.typeName, fields: tq.fields, prefix: WFS_PREFIX, namespaceUri: WFS_NAMESPACE,
    srsName: tq.srsName, swapAxes: tq.swapAxes, decimals: tq.layer.precision, qualifyIds: json, ...counts,
  };
}

/** Counts first: WFS 2.0 GML (numberMatched / numberReturned on the root) and every hits answer. */
async function countedParts(ctx: WfsContext, req: GetFeatureRequest, tqs: readonly TypeQuery[], root: AnswerMeta, json: boolean): Promise<CollectionPart[]> {
  const hits = req.resultType === 'hits';
  const page = await countedPage(ctx, tqs, req.startIndex, hits ? 0 : req.count);
  root.numberMatched = page.matched;
  // WFS 1.x writes numberOfFeatures (the hits count) from numberReturned.
  root.numberReturned = hits && ctx.version !== '2.0.0' ? page.matched : page.returned;
  if (ctx.version === '2.0.0' && !hits) root.links = pagingLinks(ctx, req, { matched: page.matched, returned: page.returned });
  return page.parts.map((p) => ({
    meta: partMeta(p.tq, json, { numberMatched: p.matched, numberReturned: p.limit }),
    features: p.limit > 0 ? readQueryBatches(ctx, p.tq, p.offset, p.limit) : EMPTY_BATCHES,
  }));
}

/** Counts nothing up front (first bytes at once); JSON learns numberMatched and the paging links at the end. */
function lazyParts(ctx: WfsContext, req: GetFeatureRequest, tqs: readonly TypeQuery[], root: AnswerMeta, json: boolean): CollectionPart[] {
  const pager = new LazyPager(ctx, tqs, req.startIndex, req.count);
  if (json) {
    root.lateNumberMatched = () => pager.numberMatched();
    if (ctx.version === '2.0.0') {
      root.lateLinks = (returned: number, matched: number | undefined) => pagingLinks(ctx, req, { matched, returned } satisfies PageNumbers, 'application/geo+json');
    }
  }
  return tqs.map((tq, i) => ({ meta: partMeta(tq, json), features: pager.features(i) }));
}

/** Streams the answer of resolved queries. */
export async function writeAnswer(ctx: WfsContext, req: GetFeatureRequest, writer: FeatureWriter, tqs: readonly TypeQuery[]): Promise<void> {
  const json = writer.gml === null;
  const root: AnswerMeta = {
    prefix: WFS_PREFIX, namespaceUri: WFS_NAMESPACE, srsName: tqs[0]!.srsName, swapAxes: tqs[0]!.swapAxes, decimals: tqs[0]!.layer.precision,
    schemaLocation: schemaLocation(ctx, writer, tqs), timeStamp: new Date(), signal: ctx.response.signal,
  };
  const counted = req.resultType === 'hits' || writer.gml === '3.2';
  const parts = counted ? await countedParts(ctx, req, tqs, root, json) : lazyParts(ctx, req, tqs, root, json);
  const first = parts.findIndex((p) => p.meta.numberReturned !== 0);
  if (first >= 0) {
    const part = parts[first]!;
    parts[first] = { ...part, features: await primed(() => part.features as AsyncIterable<Feature[]>, (err) => relocate(err, tqs[first]!)) };
  }
  ctx.response.setHeader('Content-Type', writer.mimeType);
  await writer.writeParts(ctx.response, root, parts);
}
