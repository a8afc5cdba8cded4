import type { ServerRequest } from './request.js';

/**
 * The public URL of the service for a request, as clients must call it back (capabilities, links):
 * OWS_SERVICE_URL when set; else the request URL without its query, with scheme, host and path
 * prefix taken from `Forwarded` (RFC 7239) or `X-Forwarded-Proto` / `-Host` / `-Prefix` when the proxy is
 * trusted (OWS_TRUST_PROXY): a client could otherwise write any host into documents that others get from a cache.
 */
export function serviceUrl(request: ServerRequest, configured: string | null, trustProxy = false): URL {
  if (configured) return new URL(configured);
  const url = request.url();
  url.search = '';
  url.hash = '';
  if (!trustProxy) return url;
  const fwd = parseForwarded(request.header('forwarded'));
  const proto = fwd['proto'] ?? first(request.header('x-forwarded-proto'));
  const host = fwd['host'] ?? first(request.header('x-forwarded-host'));
  if (proto && /^https?$/i.test(proto)) url.protocol = `${proto.toLowerCase()}:`;
  if (host && /^[\w.\-:[\]]+$/.test(host)) {
    url.host = host;
    if (!/:\d+$/.test(host)) url.port = ''; // the proxy's host carries its own port, or the scheme's default
  }
  const prefix = first(request.header('x-forwarded-prefix'));
  if (prefix && /^\/[\w.\-/~%]*$/.test(prefix) && !url.pathname.startsWith(prefix.replace(/\/$/, '') + '/')) {
    url.pathname = prefix.replace(/\/$/, '') + url.pathname;
  }
  return url;
}

function first(v: string | undefined): string | undefined {
  const s = v?.split(',')[0]?.trim();
  return s ? s : undefined;
}

/** The first element of a Forwarded header as lower-case keys. */
function parseForwarded(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const element = header?.split(',')[0];
  if (!element) return out;
  for (const pair of element.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const key = pair.slice(0, eq).trim().toLowerCase();
    const value = pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (key && value) out[key] = value;
  }
  return out;
}
