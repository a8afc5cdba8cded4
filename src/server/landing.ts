import { escapeHtml } from '../ogcapi/html.js';
import { ContentType, negotiate } from './content-negotiation.js';
import type { ServerRequest } from './request.js';
import type { ServerResponse } from './response.js';
import type { ServerInterface } from './server-interface.js';
import type { Settings } from './settings.js';
import { serviceUrl } from './service-url.js';

/**
 * A GET whose URL has no query parameters but `f`, at the server's root: a path ending in "/", a
 * single segment ("/ows", as a ScriptAlias gives it), or the path of OWS_SERVICE_URL. The URL decides,
 * not the parameter map, which filters may have added to.
 */
export function isLandingRequest(request: ServerRequest, serviceUrl: string | null = null): boolean {
  if (request.method() !== 'GET' && request.method() !== 'HEAD') return false;
  if (![...request.url().searchParams.keys()].every((k) => k.toLowerCase() === 'f')) return false;
  const p = request.path();
  if (p.endsWith('/') || /^\/[^/]*$/.test(p)) return true;
  return serviceUrl !== null && new URL(serviceUrl).pathname.replace(/\/$/, '') === p.replace(/\/$/, '');
}

/** Writes the landing page: the registered services with their versions and the APIs with their root paths, as JSON or HTML. */
export function writeLandingPage(request: ServerRequest, response: ServerResponse, iface: ServerInterface, settings: Settings): void {
  const base = serviceUrl(request, settings.serviceUrl, settings.trustProxy).toString().replace(/\/?$/, '/');
  const registry = iface.serviceRegistry();
  const services = registry.services().map(({ name, versions }) => ({
    name,
    versions,
    href: `${base}?SERVICE=${encodeURIComponent(name)}&REQUEST=GetCapabilities`,
  }));
  const apis = registry.apis().map((api) => ({
    name: api.name(),
    description: api.description(),
    version: api.version(),
    rootPath: api.rootPath(),
    href: new URL(api.rootPath().replace(/^\//, ''), base).toString(),
  }));
  const doc = { title: 'ows-server', services, apis };
  const type = negotiate([ContentType.JSON, ContentType.HTML], request.parameter('F'), request.header('accept')) ?? ContentType.JSON;
  if (type === ContentType.HTML) {
    const li = (href: string, text: string, extra = '') => `<li><a href="${escapeHtml(href)}">${escapeHtml(text)}</a>${escapeHtml(extra)}</li>`;
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    response.write(`<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>ows-server</title></head><body>\n<h1>ows-server</h1>\n` +
      `<h2>Services</h2><ul>${services.map((s) => li(s.href, s.name, ` (versions ${s.versions.join(', ')})`)).join('') || '<li>none</li>'}</ul>\n` +
      `<h2>APIs</h2><ul>${apis.map((a) => li(a.href, a.name, ` ${a.rootPath} — ${a.description} (${a.version})`)).join('') || '<li>none</li>'}</ul>\n` +
      `</body></html>\n`);
    return;
  }
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.write(JSON.stringify(doc));
}
