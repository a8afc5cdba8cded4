import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../server/logger.js';
import type { ServerInterface } from '../server/server-interface.js';

/** A plugin that loaded: its name, version, folder and what its factory returned. */
export interface LoadedPlugin {
  name: string;
  version: string;
  dir: string;
  instance: unknown;
}

interface PluginManifest {
  name?: string;
  version?: string;
  main?: string;
  owsServer?: { server?: boolean };
}

/**
 * Loads the server plugins found in the given directories: each sub-folder whose package.json says
 * `"owsServer": { "server": true }` and whose `main` (CommonJS or ESM) exports `serverClassFactory`.
 * The factory is called as `serverClassFactory(serverIface, ows)`, `ows` being this library, so a
 * plugin needs no copy of its own. A plugin that fails is logged with its name and reason; the others still load.
 */
export async function loadPlugins(dirs: string[], iface: ServerInterface, log: Logger): Promise<LoadedPlugin[]> {
  const loaded: LoadedPlugin[] = [];
  if (dirs.length === 0) return loaded;
  const lib = await import('../index.js');
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = (await readdir(dir)).sort();
    } catch (err) {
      log.warn({ dir, reason: (err as Error).message }, 'plugin directory cannot be read');
      continue;
    }
    for (const entry of entries) {
      const folder = path.resolve(dir, entry);
      const manifest = await readManifest(folder);
      if (!manifest?.owsServer?.server) continue;
      const name = manifest.name ?? entry;
      if (loaded.some((p) => p.name === name)) {
        log.warn({ plugin: name, dir: folder }, 'plugin of the same name already loaded; this one is skipped');
        continue;
      }
      try {
        const mainFile = path.resolve(folder, manifest.main ?? 'index.js');
        if (path.relative(folder, mainFile).startsWith('..')) throw new Error(`main '${manifest.main}' points outside the plugin folder`);
        const mod = (await import(pathToFileURL(mainFile).href)) as Record<string, unknown>;
        const factory = findFactory(mod);
        if (!factory) throw new Error('its main module exports no serverClassFactory function');
        const instance = await factory(iface, lib);
        loaded.push({ name, version: manifest.version ?? '0.0.0', dir: folder, instance });
        log.info({ plugin: name, version: manifest.version ?? '0.0.0', dir: folder }, 'plugin loaded');
      } catch (err) {
        log.error({ plugin: name, dir: folder, reason: err instanceof Error ? err.message : String(err) }, 'plugin failed to load');
      }
    }
  }
  log.info({ count: loaded.length, plugins: loaded.map((p) => p.name) }, 'plugins loaded');
  return loaded;
}

async function readManifest(folder: string): Promise<PluginManifest | null> {
  try {
    if (!(await stat(folder)).isDirectory()) return null;
    return JSON.parse(await readFile(path.join(folder, 'package.json'), 'utf8')) as PluginManifest;
  } catch {
    return null;
  }
}

type Factory = (iface: ServerInterface, lib: unknown) => unknown;

function findFactory(mod: Record<string, unknown>): Factory | null {
  if (typeof mod['serverClassFactory'] === 'function') return mod['serverClassFactory'] as Factory;
  const def = mod['default'] as Record<string, unknown> | undefined;
  if (def && typeof def['serverClassFactory'] === 'function') return def['serverClassFactory'] as Factory;
  return null;
}
