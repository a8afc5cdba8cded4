/** KVP parameters with case-insensitive names (stored upper-case, as QGIS Server does); `get('service')` finds SERVICE. */
export class ParameterMap extends Map<string, string> {
  constructor(entries?: Iterable<readonly [string, string]>) {
    super();
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }
  override get(key: string): string | undefined {
    return super.get(key.toUpperCase());
  }
  override has(key: string): boolean {
    return super.has(key.toUpperCase());
  }
  override set(key: string, value: string): this {
    return super.set(key.toUpperCase(), value);
  }
  override delete(key: string): boolean {
    return super.delete(key.toUpperCase());
  }
  /** The parameters as a plain object (upper-case keys). */
  toObject(): Record<string, string> {
    return Object.fromEntries(this);
  }
}
