import type { ServerRequest } from '../../server/request.js';
import type { ServerResponse } from '../../server/response.js';
import type { OwsBasics } from '../ows-service.js';
import type { WmsVersion } from './version.js';

/** What every WMS request module is given: the shared basics (project, iface, access, onlineResource) and these. */
export interface WmsContext extends OwsBasics {
  request: ServerRequest;
  response: ServerResponse;
  version: WmsVersion;
}

/** The CRS parameter's name for a version: CRS in 1.3.0, SRS in 1.1.1. */
export function crsParam(version: WmsVersion): 'CRS' | 'SRS' {
  return version === '1.3.0' ? 'CRS' : 'SRS';
}

/** The invalid-CRS exception code for a version. */
export function invalidCrsCode(version: WmsVersion): 'InvalidCRS' | 'InvalidSRS' {
  return version === '1.3.0' ? 'InvalidCRS' : 'InvalidSRS';
}
