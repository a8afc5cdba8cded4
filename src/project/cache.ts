import { stat } from 'node:fs/promises';
import path from 'node:path';
import { loadProject } from './loader.js';
import type { ProjectModel } from './model.js';
import type { ProjectLoader } from './project.js';

/** Options of a ProjectCache; all optional. */
export interface ProjectCacheOptions {
  /** Loads one project (default: loadProject). */
  load?: (fileName: string) => Promise<ProjectModel>;
  /** How often a cached project's file is stat()ed at most, ms (default 1000). */
  checkIntervalMs?: number;
  /** Clock, for tests (default Date.now). */
  now?: () => number;
}

/** Called with the absolute file name when a cached project is dropped (changed, deleted, or cleared). */
export type InvalidateListener = (fileName: string) => void;

interface Entry {
  /** The file's identity when it was loaded: a change of any of these reloads it. */
  signature: string;
  checkedAt: number;
  /** The load in progress or done; a failed load is kept (and rethrown) until the file changes. */
  promise: Promise<ProjectModel>;
  /** The stat in progress, shared by concurrent get()s. */
  checking?: Promise<ProjectModel>;
}

/**
 * Loaded projects by file name. get() returns the cached model and reloads it when the file's mtime, size or
 * inode changes (stat at most once per checkIntervalMs per file); concurrent get()s of a file share one load
 * and one stat. A project that fails to load is not retried until its file changes.
 */
export class ProjectCache {
  readonly #entries = new Map<string, Entry>();
  readonly #listeners = new Set<InvalidateListener>();
  readonly #load: (fileName: string) => Promise<ProjectModel>;
  readonly #interval: number;
  readonly #now: () => number;

  constructor(options: ProjectCacheOptions = {}) {
    this.#load = options.load ?? ((f) => loadProject(f));
    this.#interval = options.checkIntervalMs ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  /** The project in a file, loaded once and reloaded when the file changes. */
  get(fileName: string): Promise<ProjectModel> {
    const key = path.resolve(fileName);
    const entry = this.#entries.get(key);
    if (!entry) return this.#start(key, null);
    if (entry.checking) return entry.checking;
    if (this.#now() - entry.checkedAt < this.#interval) return entry.promise;
    const checking = this.#recheck(key, entry);
    entry.checking = checking;
    const clear = () => {
      if (entry.checking === checking) delete entry.checking;
    };
    checking.then(clear, clear);
    return checking;
  }

  /** Registers a listener told when a cached project is dropped; returns a function that unregisters it. */
  onInvalidate(listener: InvalidateListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Drops one project (or all of them) so the next get() loads it again. */
  invalidate(fileName?: string): void {
    const keys = fileName === undefined ? [...this.#entries.keys()] : [path.resolve(fileName)];
    for (const key of keys) {
      if (this.#entries.delete(key)) this.#notify(key);
    }
  }

  /** Number of cached projects (loaded, loading or failed). */
  get size(): number {
    return this.#entries.size;
  }

  /** Loads a file; the stat taken before the load is the signature compared later. */
  #start(key: string, signature: string | null): Promise<ProjectModel> {
    const entry: Entry = { signature: signature ?? '', checkedAt: this.#now(), promise: Promise.resolve(null as never) };
    entry.promise = (async () => {
      if (signature === null) entry.signature = await fileSignature(key);
      return this.#load(key);
    })();
    entry.promise.catch(() => undefined); // a failure is reported to the callers, not as an unhandled rejection
    this.#entries.set(key, entry);
    return entry.promise;
  }

  async #recheck(key: string, entry: Entry): Promise<ProjectModel> {
    const signature = await fileSignature(key);
    if (this.#entries.get(key) !== entry) return this.get(key); // invalidated meanwhile
    if (signature === entry.signature) {
      entry.checkedAt = this.#now();
      return entry.promise;
    }
    this.#entries.delete(key);
    this.#notify(key);
    return this.#start(key, signature);
  }

  #notify(key: string): void {
    for (const listener of this.#listeners) {
      try {
        listener(key);
      } catch {
        // a listener's failure must not stop the others or the reload
      }
    }
  }
}

/** mtime, size and inode of a file ('missing' when it is gone: the load then fails and reports it). */
async function fileSignature(file: string): Promise<string> {
  try {
    const s = await stat(file);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return 'missing';
  }
}

/** The server's projectLoader option (src/server/server.ts) backed by a ProjectCache. */
export function projectLoaderFrom(cache: ProjectCache): ProjectLoader {
  return (fileName) => cache.get(fileName);
}
