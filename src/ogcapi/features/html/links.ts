/**
 * The URLs an HTML page of OGC API – Features writes. A page link (breadcrumb, table, paging) is built under
 * the API root, keeps the request's query (MAP=…) and asks for f=html; a link the JSON document carries keeps
 * its own format and gets the kept query where it lacks it. Only http(s) or relative URLs become links, so
 * no data can smuggle a javascript: URL into a page.
 */

/** Builds the links of one page. */
export class PageLinks {
  readonly #root: URL;
  /** Whether apiRoot was absolute: links are written the way the root was given. */
  readonly #absolute: boolean;
  readonly #keep: Array<[string, string]>;

  /** apiRoot: absolute URL of the API root (a query there is kept too); query: "MAP=…" without "?", or "". */
  constructor(apiRoot: string, query: string) {
    this.#absolute = /^[a-z][a-z\d+.-]*:/i.test(apiRoot);
    this.#root = new URL(apiRoot, 'http://localhost/');
    const keep = new URLSearchParams(this.#root.search);
    for (const [k, v] of new URLSearchParams(query.replace(/^\?/, ''))) if (!hasParam(keep, k)) keep.append(k, v);
    for (const k of [...keep.keys()]) if (k.toLowerCase() === 'f') keep.delete(k);
    this.#keep = [...keep];
    this.#root.search = '';
    this.#root.hash = '';
    this.#root.pathname = this.#root.pathname.replace(/\/+$/, '');
  }

  /** The page at a path under the API root ("/collections/x", segments already encoded), as HTML, with the kept query. */
  page(path = '', params: Record<string, string> = {}): string {
    const url = new URL(this.#root.href);
    url.pathname = this.#root.pathname + path;
    for (const [k, v] of this.#keep) url.searchParams.append(k, v);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    url.searchParams.set('f', 'html');
    return this.#out(url);
  }

  /** The URL of a static asset served by the assets handler, with its version (for caching). */
  asset(file: string, version: string): string {
    const url = new URL(this.#root.href);
    url.pathname = `${this.#root.pathname}/assets/${encodeURIComponent(file)}`;
    url.searchParams.set('v', version);
    return this.#out(url);
  }

  /**
   * A link of the JSON document as the page writes it: under the API root, the kept query is added where
   * missing (and f=html when `html`); elsewhere unchanged. Null for anything but http(s) or a relative URL.
   */
  link(href: string, html = false): string | null {
    let url: URL;
    try {
      url = new URL(href, this.#root);
    } catch {
      return null;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (!this.#inside(url)) return href;
    for (const [k, v] of this.#keep) if (!hasParam(url.searchParams, k)) url.searchParams.append(k, v);
    if (html) {
      for (const k of [...url.searchParams.keys()]) if (k.toLowerCase() === 'f') url.searchParams.delete(k);
      url.searchParams.set('f', 'html');
    }
    return this.#out(url);
  }

  /** The path of a link under the API root ("/collections/x/items"), or null when it points elsewhere. */
  pathOf(href: string): string | null {
    let url: URL;
    try {
      url = new URL(href, this.#root);
    } catch {
      return null;
    }
    return this.#inside(url) ? url.pathname.slice(this.#root.pathname.length) : null;
  }

  #inside(url: URL): boolean {
    const root = this.#root.pathname;
    return url.origin === this.#root.origin && (url.pathname === root || url.pathname.startsWith(`${root}/`));
  }

  #out(url: URL): string {
    return this.#absolute ? url.href : url.pathname + url.search;
  }
}

/** Whether a query has a parameter, its name compared without case (MAP is a KVP parameter). */
function hasParam(params: URLSearchParams, name: string): boolean {
  const n = name.toLowerCase();
  return [...params.keys()].some((k) => k.toLowerCase() === n);
}
