/** The content types the OGC API framework and landing pages speak. */
export const ContentType = {
  GEOJSON: 'application/geo+json',
  OPENAPI3: 'application/vnd.oai.openapi+json;version=3.0',
  JSON: 'application/json',
  HTML: 'text/html',
  XML: 'application/xml',
} as const;
/** One content type value. */
export type ContentTypeValue = (typeof ContentType)[keyof typeof ContentType];

const F_ALIASES: Record<string, ContentTypeValue> = {
  json: ContentType.JSON,
  geojson: ContentType.GEOJSON,
  html: ContentType.HTML,
  xml: ContentType.XML,
  openapi: ContentType.OPENAPI3,
};

/**
 * Picks the response type: the `f` parameter (or a path extension like ".json") wins, then the
 * Accept header with q-values; without a preference JSON (else the first offered type). Returns null when nothing offered is acceptable.
 */
export function negotiate(offered: readonly ContentTypeValue[], f: string | undefined, accept: string | undefined, extension?: string): ContentTypeValue | null {
  const explicit = f ?? extension;
  if (explicit) {
    const want = F_ALIASES[explicit.toLowerCase()] ?? (explicit.includes('/') ? explicit.toLowerCase() : undefined);
    const hit = offered.find((o) => o === want || (want === ContentType.JSON && o === ContentType.GEOJSON) || (want === ContentType.GEOJSON && o === ContentType.JSON));
    return hit ?? null;
  }
  if (!accept || !accept.trim()) return preferJson(offered);
  const all = accept.split(',').map((part, i) => {
    const [type = '', ...params] = part.trim().toLowerCase().split(';').map((s) => s.trim());
    const q = params.find((p) => p.startsWith('q='));
    const qv = q ? Number(q.slice(2)) : 1;
    return { type, q: Number.isFinite(qv) ? qv : 0, i };
  }).filter((r) => r.type);
  // q=0 refuses a type outright (RFC 9110), even where a wildcard would take it.
  const refused = new Set(all.filter((r) => r.q <= 0 && !r.type.includes('*')).map((r) => r.type));
  const usable = offered.filter((o) => !refused.has(o.split(';')[0]!.toLowerCase()));
  const ranges = all.filter((r) => r.q > 0).sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranges) {
    if (r.type === '*/*') return preferJson(usable);
    const hit = usable.find((o) => matches(r.type, o));
    if (hit) return hit;
  }
  return null;
}

/** No preference (no Accept, or only a wildcard): machine clients get JSON when it is offered; browsers ask for HTML. */
function preferJson(offered: readonly ContentTypeValue[]): ContentTypeValue | null {
  return offered.find((o) => o === ContentType.JSON || o === ContentType.GEOJSON) ?? offered[0] ?? null;
}

function matches(range: string, offered: string): boolean {
  const base = offered.split(';')[0]!.toLowerCase();
  if (range === '*/*') return true;
  if (range.endsWith('/*')) return base.startsWith(range.slice(0, -1));
  if (range === 'application/json' && base === 'application/geo+json') return true;
  return range === base;
}
