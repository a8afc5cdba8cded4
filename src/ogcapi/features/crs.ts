/**
 * CRS URIs of OGC API Features Part 2 (18-058r1): the CRSs a collection offers (CRS84 first, then the layer's own,
 * then the project's advertised ones), the storage CRS, and the crs / bbox-crs / filter-crs values a request may
 * give (an offered URI, or its safe CURIE "[EPSG:3857]"). Coordinates follow the axis order of the CRS as
 * defined (EPSG:4326 latitude first, CRS84 longitude first): `swapAxes` says when they differ from the data
 * layer's x/y order.
 */
import { parseCrsName, resolveCrs } from '../../data/index.js';
import { InvalidParameterError } from '../../errors/ogc-error.js';
import type { ProjectModel, VectorLayerDef } from '../../project/model.js';

/** WGS 84 longitude / latitude: the default CRS of every answer. */
export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

/** The URI of a CRS the project names ("EPSG:3857", "CRS:84", a URN ...); null for one that is not EPSG or OGC. */
export function crsUri(name: string): string | null {
  const parsed = parseCrsName(name);
  if (!parsed) return null;
  return parsed.lonLat ? `http://www.opengis.net/def/crs/OGC/1.3/CRS${parsed.key.slice(4)}` : `http://www.opengis.net/def/crs/EPSG/0/${parsed.epsg}`;
}

/** The CRSs a collection offers, as URIs: CRS84, the layer's CRS (its storage CRS), the project's CRSs. */
export function collectionCrs(project: ProjectModel, layer: VectorLayerDef): string[] {
  const uris = [CRS84, layer.crs, ...project.service.crs].map((c) => (c === CRS84 ? c : crsUri(c)));
  return [...new Set(uris.filter((u): u is string => u !== null))];
}

/** A CRS a request asked for: its URI as offered, the data layer's id for it, and whether its axis order is y/x. */
export interface RequestCrs {
  uri: string;
  /** "EPSG:n" (CRS84 is EPSG:4326 read in x/y order). */
  id: string;
  /** Coordinates are written / read latitude (northing) first. */
  swapAxes: boolean;
  geographic: boolean;
}

/** A URI or safe CURIE as the CRS name the data layer parses. */
function asCrsName(value: string): string {
  const curie = /^\[\s*(EPSG|OGC)\s*:\s*([^\]\s]+)\s*\]$/i.exec(value.trim());
  if (!curie) return value.trim();
  return curie[1]!.toUpperCase() === 'EPSG' ? `EPSG:${curie[2]}` : `urn:ogc:def:crs:OGC:1.3:${curie[2]}`;
}

/**
 * The CRS of a crs / bbox-crs / filter-crs parameter: absent is CRS84; otherwise one of `offered` (compared as
 * CRSs, so EPSG URIs, URNs and CURIEs of the same code match), else InvalidParameterValue naming the parameter.
 */
export async function requestCrs(value: string | undefined, offered: readonly string[], locator: string): Promise<RequestCrs> {
  const wanted = value === undefined || value.trim() === '' ? CRS84 : value;
  const key = parseCrsName(asCrsName(wanted))?.key;
  const uri = key === undefined ? undefined : offered.find((o) => parseCrsName(o)?.key === key);
  if (uri === undefined) {
    throw new InvalidParameterError(locator, `${locator} ('${wanted.slice(0, 200)}') is not a CRS of this collection; use one of: ${offered.join(', ')}`);
  }
  const crs = await resolveCrs(uri, 'InvalidParameterValue', locator);
  return { uri, id: crs.id, swapAxes: crs.axisInverted, geographic: crs.geographic };
}
