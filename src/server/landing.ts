/**
 * The server's landing page: the registered services and APIs, and the projects this server serves — the
 * default project (OWS_PROJECT_FILE) and the project files found in OWS_PROJECTS_DIR — each with its title,
 * its GetCapabilities URLs, its OGC API links and its map preview, as JSON or HTML. The directory walk is
 * bounded (depth, entries, projects), skips hidden and unreadable entries, and accepts only files that a MAP
 * parameter could name (resolveProjectPath: nothing outside the directory, no symlink out of it).
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { escapeHtml } from '../ogcapi/html.js';
import type { OgcApi } from '../ogcapi/api.js';
import { MAP_PREVIEW_OPERATION } from '../ogcapi/features/html/handlers.js';
import { resolveProjectPath } from '../project/resolve.js';
import type { ProjectLoader } from '../project/project.js';
import { ContentType, negotiate } from './content-negotiation.js';
import type { ServerRequest } from './request.js';
import type { ServerResponse } from './response.js';
import type { ServerInterface } from './server-interface.js';
import type { Settings } from './settings.js';
import { serviceUrl } from './service-url.js';

/** Project files: what the YAML project loader reads. */
const PROJECT_FILE = /\.ya?ml$/i;
/** How deep the walk goes below OWS_PROJECTS_DIR, how many entries it reads and how many projects it lists at most. */
const MAX_DEPTH = 3;
const MAX_ENTRIES = 10_000;
const MAX_PROJECTS = 200;
/** A project that takes longer to load is listed under its file name (its load goes on, into the cache). */
const LOAD_TIMEOUT_MS = 5_000;
const LOAD_CONCURRENCY = 4;

/** A titled link of the landing page. */
interface Link {
  name: string;
  href: string;
}

/** One project of the landing page. */
interface ProjectEntry {
  /** The MAP value that names it; null for the default project (no MAP). */
  map: string | null;
  title: string;
  default: boolean;
  services: Link[];
  apis: Link[];
  /** The HTML map preview (WMS), where an API serves it. */
  mapPreview: string | null;
}

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

/**
 * Writes the landing page: the registered services with their versions, the APIs with their root paths and
 * the projects (titles through `loadProject`, the server's cached loader; without it, file names), as JSON or HTML.
 */
export async function writeLandingPage(request: ServerRequest, response: ServerResponse, iface: ServerInterface, settings: Settings, loadProject?: ProjectLoader): Promise<void> {
  const base = serviceUrl(request, settings.serviceUrl, settings.trustProxy).toString().replace(/\/?$/, '/');
  const registry = iface.serviceRegistry();
  const services = registry.services().map(({ name, versions }) => ({
    name,
    versions,
    href: `${base}?SERVICE=${encodeURIComponent(name)}&REQUEST=GetCapabilities`,
  }));
  const registered = registry.apis();
  const apis = registered.map((api) => ({
    name: api.name(),
    description: api.description(),
    version: api.version(),
    rootPath: api.rootPath(),
    href: new URL(api.rootPath().replace(/^\//, ''), base).toString(),
  }));
  const preview = registry.getService('WMS') ? apis.find((_a, i) => servesMapPreview(registered[i])) : undefined;
  const linksFor = (map: string | null, title: string, isDefault: boolean): ProjectEntry => {
    const q = map === null ? '' : `MAP=${encodeURIComponent(map)}`;
    return {
      map, title, default: isDefault,
      services: services.map((s) => ({ name: s.name, href: `${base}?${q ? `${q}&` : ''}SERVICE=${encodeURIComponent(s.name)}&REQUEST=GetCapabilities` })),
      apis: apis.map((a) => ({ name: a.name, href: q ? `${a.href}?${q}` : a.href })),
      mapPreview: preview ? `${preview.href}/map${q ? `?${q}` : ''}` : null,
    };
  };
  const projects = settings.projectFile || settings.projectsDir ? await listProjects(settings, loadProject, iface) : [];
  const doc = { title: 'ows-server', services, apis, projects: projects.map((p) => linksFor(p.map, p.title, p.map === null)) };
  const type = negotiate([ContentType.JSON, ContentType.HTML], request.parameter('F'), request.header('accept')) ?? ContentType.JSON;
  if (type === ContentType.HTML) {
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    response.write(landingHtml(doc));
    return;
  }
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.write(JSON.stringify(doc));
}

/** Whether an API serves the HTML map preview (the Features API registers it). */
function servesMapPreview(api: unknown): boolean {
  const handlers = (api as Partial<Pick<OgcApi, 'handlers'>>).handlers;
  return typeof handlers === 'function' && handlers.call(api).some((h) => h.operationId() === MAP_PREVIEW_OPERATION);
}

/** The default project first, then the projects of the directory in path order; files that do not load are left out. */
async function listProjects(settings: Settings, load: ProjectLoader | undefined, iface: ServerInterface): Promise<Array<{ map: string | null; title: string }>> {
  const out: Array<{ map: string | null; title: string }> = [];
  if (settings.projectFile) {
    const file = path.resolve(settings.projectFile);
    out.push({ map: null, title: (await titleOf(file, load, iface)) ?? path.basename(file) });
  }
  if (!settings.projectsDir) return out;
  const candidates = await findProjectFiles(settings.projectsDir);
  const titles = await mapLimited(candidates, LOAD_CONCURRENCY, async (rel) => {
    let file: string;
    try {
      file = await resolveProjectPath(rel, settings.projectsDir);
    } catch {
      return null; // gone, or a symlink out of the directory: MAP could not name it
    }
    return titleOf(file, load, iface);
  });
  candidates.forEach((rel, i) => {
    const title = titles[i];
    if (title !== null && title !== undefined) out.push({ map: rel, title });
  });
  return out;
}

/** The project files below a directory (relative paths with "/"), breadth-bounded and sorted; hidden entries skipped. */
async function findProjectFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  let entries = 0;
  const visit = async (rel: string, depth: number): Promise<void> => {
    let list: Dirent[];
    try {
      list = await readdir(path.join(root, rel), { withFileTypes: true });
    } catch {
      return; // unreadable: skipped
    }
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of list) {
      if (found.length >= MAX_PROJECTS || ++entries > MAX_ENTRIES) return;
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      // Symlinked directories are not entered (no loops, no way out); a symlinked file is checked by resolveProjectPath.
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH) await visit(child, depth + 1);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && PROJECT_FILE.test(entry.name)) {
        found.push(child);
      }
    }
  };
  await visit('', 0);
  return found.sort();
}

/** A project's title through the loader: null when it does not load, the file name without a loader or when it is slow. */
async function titleOf(file: string, load: ProjectLoader | undefined, iface: ServerInterface): Promise<string | null> {
  const fallback = path.basename(file);
  if (!load) return fallback;
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), LOAD_TIMEOUT_MS);
    timer.unref();
  });
  try {
    const loading = load(file);
    loading.catch(() => undefined); // a failure after the timeout is nobody's to report here
    const project = await Promise.race([loading, slow]);
    return project ? project.title || fallback : fallback;
  } catch (err) {
    iface.log().debug({ project: file, reason: err instanceof Error ? err.message : String(err) }, 'landing page: not a loadable project, not listed');
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** Maps with at most `limit` calls in flight, results in input order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The HTML landing page. */
function landingHtml(doc: { services: Array<Link & { versions: string[] }>; apis: Array<Link & { rootPath: string; description: string; version: string }>; projects: ProjectEntry[] }): string {
  const a = (href: string, text: string) => `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
  const li = (href: string, text: string, extra = '') => `<li>${a(href, text)}${escapeHtml(extra)}</li>`;
  const rows = doc.projects.map((p) => `<tr><td>${escapeHtml(p.title)}</td><td>${p.map === null ? '<em>default project</em>' : `<code>${escapeHtml(p.map)}</code>`}</td>` +
    `<td>${p.services.map((s) => a(s.href, s.name)).join(' ')}</td><td>${p.apis.map((x) => a(x.href, x.name)).join(' ')}</td>` +
    `<td>${p.mapPreview ? a(p.mapPreview, 'Map preview') : ''}</td></tr>`);
  const projects = rows.length
    ? `<table><thead><tr><th>Project</th><th>File</th><th>Services</th><th>APIs</th><th>Map</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`
    : '<p>No project: set OWS_PROJECT_FILE, or OWS_PROJECTS_DIR and give MAP=….</p>';
  return '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>ows-server</title><link rel="icon" href="data:,"><style>body{font:15px/1.5 system-ui,sans-serif;margin:1rem 1.5rem;color:#1f2933}' +
    'table{border-collapse:collapse}th,td{border:1px solid #d9e2ec;padding:.3rem .5rem;text-align:left}th{background:#f5f7fa}td a{margin-right:.5rem}</style></head><body>\n<h1>ows-server</h1>\n' +
    `<h2>Services</h2><ul>${doc.services.map((s) => li(s.href, s.name, ` (versions ${s.versions.join(', ')})`)).join('') || '<li>none</li>'}</ul>\n` +
    `<h2>APIs</h2><ul>${doc.apis.map((x) => li(x.href, x.name, ` ${x.rootPath} — ${x.description} (${x.version})`)).join('') || '<li>none</li>'}</ul>\n` +
    `<h2>Projects</h2>\n${projects}\n</body></html>\n`;
}
