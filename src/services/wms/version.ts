/** The WMS versions served, highest first. */
export const WMS_VERSIONS = ['1.3.0', '1.1.1'] as const;
/** One served WMS version. */
export type WmsVersion = (typeof WMS_VERSIONS)[number];

/**
 * WMS version negotiation (WMS 1.3.0 §6.2.4): no version → the highest; a served version → itself;
 * higher than all → the highest; between two → the next lower; lower than all → the lowest.
 */
export function negotiateWmsVersion(asked: string | undefined): WmsVersion {
  const v = asked?.trim();
  if (!v) return WMS_VERSIONS[0];
  const n = toNumber(v);
  for (const served of WMS_VERSIONS) if (toNumber(served) <= n) return served;
  return WMS_VERSIONS[WMS_VERSIONS.length - 1]!;
}

function toNumber(v: string): number {
  const [a = 0, b = 0, c = 0] = v.split('.').map((x) => Number.parseInt(x, 10) || 0);
  return a * 1_000_000 + b * 1_000 + c;
}
