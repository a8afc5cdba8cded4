import { PriorityRegistry } from './priority-registry.js';
import type { ServerInterface } from '../server/server-interface.js';

/** What access control sees of a layer (the project's layers implement it). */
export interface ServerLayer {
  name(): string;
  id(): string;
}

/** What access control sees of a feature, for allowToEdit. */
export interface ServerFeature {
  id(): string | number | null;
  attribute(name: string): unknown;
  attributes(): Record<string, unknown>;
}

/** The rights on a layer (QgsAccessControlFilter.LayerPermissions); everything is allowed by default. */
export class LayerPermissions {
  canRead = true;
  canInsert = true;
  canUpdate = true;
  canDelete = true;
}

/** What an access-control filter may implement (duck typing: a plain object will do). */
export interface AccessControlFilterLike {
  layerFilterExpression?(layer: ServerLayer): string | null | undefined;
  layerFilterSubsetString?(layer: ServerLayer): string | null | undefined;
  layerPermissions?(layer: ServerLayer): Partial<LayerPermissions> | null | undefined;
  authorizedLayerAttributes?(layer: ServerLayer, attributes: string[]): string[];
  allowToEdit?(layer: ServerLayer, feature: ServerFeature): boolean;
  /** Enters every cache key; an empty or null key disables caching while this filter is registered (as in QGIS). */
  cacheKey?(): string | null | undefined;
}

/** Base class for access-control filters (QgsAccessControlFilter): grants everything, caches nothing. */
export class AccessControlFilter implements AccessControlFilterLike {
  static LayerPermissions = LayerPermissions;
  constructor(private readonly iface?: ServerInterface) {}
  serverInterface(): ServerInterface {
    if (!this.iface) throw new Error('this filter was constructed without a server interface');
    return this.iface;
  }
  layerFilterExpression(_layer: ServerLayer): string | null {
    return null;
  }
  layerFilterSubsetString(_layer: ServerLayer): string | null {
    return null;
  }
  layerPermissions(_layer: ServerLayer): LayerPermissions {
    return new LayerPermissions();
  }
  authorizedLayerAttributes(_layer: ServerLayer, attributes: string[]): string[] {
    return attributes;
  }
  allowToEdit(_layer: ServerLayer, _feature: ServerFeature): boolean {
    return true;
  }
  cacheKey(): string | null {
    return null;
  }
}

/**
 * All registered access-control filters seen as one (QgsAccessControl): expressions and subset
 * strings are ANDed, permissions ANDed, attributes narrowed filter by filter, edits allowed only if all allow.
 */
export class AccessControl extends PriorityRegistry<AccessControlFilterLike> {
  /** The combined filter expression, or null when no filter restricts the layer. */
  layerFilterExpression(layer: ServerLayer): string | null {
    return andAll(this.list().map((f) => f.layerFilterExpression?.(layer)));
  }
  /** The combined subset string (SQL pushed to the source), or null. */
  layerFilterSubsetString(layer: ServerLayer): string | null {
    return andAll(this.list().map((f) => f.layerFilterSubsetString?.(layer)));
  }
  /** The combined permissions: a right is granted only if every filter grants it. */
  layerPermissions(layer: ServerLayer): LayerPermissions {
    const out = new LayerPermissions();
    for (const f of this.list()) {
      const p = f.layerPermissions?.(layer);
      if (!p) continue;
      out.canRead &&= p.canRead !== false;
      out.canInsert &&= p.canInsert !== false;
      out.canUpdate &&= p.canUpdate !== false;
      out.canDelete &&= p.canDelete !== false;
    }
    return out;
  }
  /** The attributes every filter authorises, each filter narrowing what the one before left. */
  layerAttributes(layer: ServerLayer, attributes: string[]): string[] {
    let current = [...attributes];
    for (const f of this.list()) {
      if (!f.authorizedLayerAttributes) continue;
      const allowed = new Set(f.authorizedLayerAttributes(layer, [...current]));
      current = current.filter((a) => allowed.has(a));
    }
    return current;
  }
  /** True if every filter allows editing this feature; anything but an explicit true refuses (fail closed). */
  allowToEdit(layer: ServerLayer, feature: ServerFeature): boolean {
    return this.list().every((f) => !f.allowToEdit || f.allowToEdit(layer, feature) === true);
  }
  /** The key every cache entry is made with; null means "do not cache" (a filter gave no key). */
  cacheKey(): string | null {
    const keys: string[] = [];
    for (const f of this.list()) {
      const k = f.cacheKey ? f.cacheKey() : null;
      if (k === null || k === undefined || k === '') return null;
      keys.push(k);
    }
    return keys.join('-');
  }
}

function andAll(parts: Array<string | null | undefined>): string | null {
  const kept = parts.filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  if (kept.length === 0) return null;
  return kept.length === 1 ? kept[0]! : kept.map((p) => `(${p})`).join(' AND ');
}
