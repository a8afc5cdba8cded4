import { OgcError } from '../../errors/ogc-error.js';

/** The WFS versions served, highest first. */
export const WFS_VERSIONS = ['2.0.0', '1.1.0', '1.0.0'] as const;
/** One served WFS version. */
export type WfsVersion = (typeof WFS_VERSIONS)[number];

/** Whether a text is a served version (2.0 is accepted for 2.0.0, as OWS Common allows). */
export function servedVersion(text: string | undefined): WfsVersion | null {
  const v = text?.trim();
  if (!v) return null;
  if (v === '2.0') return '2.0.0';
  return (WFS_VERSIONS as readonly string[]).includes(v) ? (v as WfsVersion) : null;
}

/**
 * GetCapabilities version negotiation: ACCEPTVERSIONS (OWS 1.1, WFS 1.1 / 2.0) → the first served one in the
 * client's order, else VersionNegotiationFailed; VERSION (WFS 1.0 style) → that version when served, else the
 * highest served version not above it (the lowest when it is below all); nothing → the highest.
 */
export function negotiateCapabilitiesVersion(acceptVersions: string[] | undefined, version: string | undefined): WfsVersion {
  if (acceptVersions && acceptVersions.length > 0) {
    for (const v of acceptVersions) {
      const served = servedVersion(v);
      if (served) return served;
    }
    throw new OgcError('VersionNegotiationFailed', `None of the versions ${acceptVersions.join(', ')} is served; this server serves WFS ${WFS_VERSIONS.join(', ')}`, { locator: 'AcceptVersions' });
  }
  const v = version?.trim();
  if (!v) return WFS_VERSIONS[0];
  const exact = servedVersion(v);
  if (exact) return exact;
  const n = toNumber(v);
  for (const served of WFS_VERSIONS) if (toNumber(served) <= n) return served;
  return WFS_VERSIONS[WFS_VERSIONS.length - 1]!;
}

/**
 * The version of an operation other than GetCapabilities: a served VERSION, or the highest when absent
 * (QGIS Server and MapServer accept a missing VERSION); any other value is InvalidParameterValue.
 */
export function operationVersion(version: string | undefined): WfsVersion {
  if (version === undefined || version.trim() === '') return WFS_VERSIONS[0];
  const served = servedVersion(version);
  if (!served) {
    throw new OgcError('InvalidParameterValue', `WFS version '${version.slice(0, 40)}' is not served; use one of ${WFS_VERSIONS.join(', ')}`, { locator: 'VERSION' });
  }
  return served;
}

function toNumber(v: string): number {
  const [a = 0, b = 0, c = 0] = v.split('.').map((x) => Number.parseInt(x, 10) || 0);
  return a * 1_000_000 + b * 1_000 + c;
}
