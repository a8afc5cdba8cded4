import type { ServerCacheFilterLike } from './cache.js';
import type { Project } from '../project/project.js';
import type { ServerRequest } from '../server/request.js';

/**
 * The default cache filter: documents and images in memory, least recently used first out when the
 * byte budget is spent. Entries are grouped by project file so a reloaded project drops its own.
 */
export class MemoryCache implements ServerCacheFilterLike {
  readonly #entries = new Map<string, { project: string; data: Buffer }>();
  #bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  getCachedDocument(_p: Project | null, _r: ServerRequest, key: string): Buffer | null {
    return this.#get(`doc|${key}`);
  }
  setCachedDocument(doc: Buffer, project: Project | null, _r: ServerRequest, key: string): boolean {
    return this.#set(`doc|${key}`, project, doc);
  }
  deleteCachedDocument(_p: Project | null, _r: ServerRequest, key: string): boolean {
    return this.#delete(`doc|${key}`);
  }
  deleteCachedDocuments(project: Project | null): boolean {
    return this.#deleteProject('doc|', project);
  }
  getCachedImage(_p: Project | null, _r: ServerRequest, key: string): Buffer | null {
    return this.#get(`img|${key}`);
  }
  setCachedImage(img: Buffer, project: Project | null, _r: ServerRequest, key: string): boolean {
    return this.#set(`img|${key}`, project, img);
  }
  deleteCachedImage(_p: Project | null, _r: ServerRequest, key: string): boolean {
    return this.#delete(`img|${key}`);
  }
  deleteCachedImages(project: Project | null): boolean {
    return this.#deleteProject('img|', project);
  }
  /** Bytes held. */
  size(): number {
    return this.#bytes;
  }

  #get(key: string): Buffer | null {
    const e = this.#entries.get(key);
    if (!e) return null;
    this.#entries.delete(key); // most recently used goes last
    this.#entries.set(key, e);
    return e.data;
  }
  #set(key: string, project: Project | null, data: Buffer): boolean {
    if (data.length > this.maxBytes / 4) return false; // one entry may not flush the whole cache
    this.#delete(key);
    this.#entries.set(key, { project: project?.fileName ?? '', data });
    this.#bytes += data.length;
    for (const [k, e] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(k);
      this.#bytes -= e.data.length;
    }
    return true;
  }
  #delete(key: string): boolean {
    const e = this.#entries.get(key);
    if (!e) return false;
    this.#entries.delete(key);
    this.#bytes -= e.data.length;
    return true;
  }
  #deleteProject(prefix: string, project: Project | null): boolean {
    const file = project?.fileName ?? '';
    let any = false;
    for (const [k, e] of [...this.#entries]) {
      if (k.startsWith(prefix) && (project === null || e.project === file)) any = this.#delete(k) || any;
    }
    return any;
  }
}
