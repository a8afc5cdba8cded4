/**
 * The static files of the HTML pages: OpenLayers (ol.js, ol.css from the npm package, resolved through
 * Node's module resolution, not a path) and the page script and style. Only these names exist: a request
 * for anything else is unknown, so no path can reach the file system. Each file is read once and kept with
 * its ETag; pages link a file with ?v=<its hash>, so a browser may keep it for good and still sees a new one.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';

const require = createRequire(import.meta.url);

/** Where each asset comes from, and its Content-Type. */
const SOURCES: Record<string, { type: string; read: () => Buffer }> = {
  'ol.js': { type: 'text/javascript; charset=utf-8', read: () => readFileSync(require.resolve('ol/dist/ol.js')) },
  'ol.css': { type: 'text/css; charset=utf-8', read: () => readFileSync(require.resolve('ol/ol.css')) },
  'features.js': { type: 'text/javascript; charset=utf-8', read: () => Buffer.from(PAGE_SCRIPT, 'utf8') },
  'features.css': { type: 'text/css; charset=utf-8', read: () => Buffer.from(PAGE_STYLE, 'utf8') },
};

/** One static file, ready to send. */
export interface Asset {
  body: Buffer;
  type: string;
  /** Content hash (base64url), the `v` query parameter of the links to it. */
  version: string;
  /** Strong ETag: the version, quoted. */
  etag: string;
}

const loaded = new Map<string, Asset>();

/** The names of the files the assets handler serves. */
export const ASSET_NAMES: readonly string[] = Object.keys(SOURCES);

/** A known asset, read on first use; undefined for any other name. Throws when a package file cannot be read. */
export function asset(name: string): Asset | undefined {
  if (!Object.hasOwn(SOURCES, name)) return undefined;
  let a = loaded.get(name);
  if (!a) {
    const source = SOURCES[name]!;
    const body = source.read();
    const version = createHash('sha256').update(body).digest('base64url').slice(0, 16);
    a = { body, type: source.type, version, etag: `"${version}"` };
    loaded.set(name, a);
  }
  return a;
}

/** The version to link an asset with; "unavailable" when it cannot be read (the page still renders, the asset request fails). */
export function assetVersion(name: string): string {
  try {
    return asset(name)?.version ?? 'unknown';
  } catch {
    return 'unavailable';
  }
}

/** Whether an If-None-Match header matches an ETag (weak comparison, as RFC 9110 asks for GET). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === bare;
  });
}
