import type { Logger } from '../server/logger.js';

/** Items kept in priority order, lower first, stable for equal priorities (the QGIS filter maps). */
export class PriorityRegistry<T> {
  #items: Array<{ priority: number; seq: number; item: T }> = [];
  #seq = 0;

  constructor(private readonly kind: string, private readonly log?: Logger) {}

  /** Adds an item at a priority and logs it with its name. */
  register(item: T, priority = 0): void {
    if (!Number.isFinite(priority)) throw new TypeError(`${this.kind} priority must be a number`);
    this.#items.push({ priority, seq: this.#seq++, item });
    this.#items.sort((a, b) => a.priority - b.priority || a.seq - b.seq);
    this.log?.info({ kind: this.kind, name: nameOf(item), priority }, `registered ${this.kind}`);
  }
  /** Removes an item; true if it was there. */
  unregister(item: T): boolean {
    const before = this.#items.length;
    this.#items = this.#items.filter((e) => e.item !== item);
    return this.#items.length !== before;
  }
  /** The items, lower priority first. */
  list(): T[] {
    return this.#items.map((e) => e.item);
  }
  /** Priority -> items, ascending (QgsServerFiltersMap). */
  byPriority(): Map<number, T[]> {
    const map = new Map<number, T[]>();
    for (const { priority, item } of this.#items) map.set(priority, [...(map.get(priority) ?? []), item]);
    return map;
  }
  get size(): number {
    return this.#items.length;
  }
}

/** A readable name for a registered object: its name() or name, else its class name. */
export function nameOf(item: unknown): string {
  if (item && typeof item === 'object') {
    const o = item as { name?: unknown; constructor?: { name?: string } };
    if (typeof o.name === 'function') {
      try {
        return String((o.name as () => unknown).call(item));
      } catch {
        /* fall through */
      }
    }
    if (typeof o.name === 'string') return o.name;
    if (o.constructor?.name && o.constructor.name !== 'Object') return o.constructor.name;
  }
  return 'anonymous';
}
