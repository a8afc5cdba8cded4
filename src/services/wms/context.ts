import type { ServerRequest } from '../../server/request.js';
import type { ServerResponse } from '../../server/response.js';
import type { ServerInterface } from '../../server/server-interface.js';
import type { LayerAccess } from '../../data/index.js';
import type { ProjectModel } from '../../project/model.js';
import type { WmsVersion } from './version.js';

/** What every WMS request module is given. */
export interface WmsContext {
  request: ServerRequest;
  response: ServerResponse;
  project: ProjectModel;
  version: WmsVersion;
  iface: ServerInterface;
  /** The reads of this request, access control applied. */
  access: LayerAccess;
  /** The URL clients call back, with `?` (and MAP when the request had one) ready for parameters. */
  onlineResource: string;
}

/** The CRS parameter's name for a version: CRS in 1.3.0, SRS in 1.1.1. */
export function crsParam(version: WmsVersion): 'CRS' | 'SRS' {
  return version === '1.3.0' ? 'CRS' : 'SRS';
}

/** The invalid-CRS exception code for a version. */
export function invalidCrsCode(version: WmsVersion): 'InvalidCRS' | 'InvalidSRS' {
  return version === '1.3.0' ? 'InvalidCRS' : 'InvalidSRS';
}
