import type { ExceptionFormat } from '../../errors/render.js';
import { parseParams } from '../../params/table.js';
import type { Project } from '../../project/project.js';
import type { ServerRequest } from '../../server/request.js';
import type { ServerResponse } from '../../server/response.js';
import type { ServiceLike } from '../../server/service.js';
import { OwsService } from '../ows-service.js';
import { warmUpEncodersInBackground } from '../../render/index.js';
import type { WmsContext } from './context.js';
import { COMMON } from './parameters.js';
import { negotiateWmsVersion } from './version.js';

/** One WMS operation. */
export type WmsOperation = (ctx: WmsContext) => Promise<void>;

/**
 * The WMS service (1.3.0 and 1.1.1 in one, as QGIS Server does): negotiates the version, checks the
 * project, and hands the request to the module of its REQUEST.
 */
export class WmsService extends OwsService<WmsOperation> implements ServiceLike {
  name(): string {
    return 'WMS';
  }
  version(): string {
    return '1.3.0';
  }
  exceptionFormat(version: string): ExceptionFormat {
    return negotiateWmsVersion(version) === '1.1.1' ? 'wms-1.1.1' : 'wms-1.3.0';
  }

  async executeRequest(request: ServerRequest, response: ServerResponse, project: Project | null): Promise<void> {
    // The 8-bit PNG encoders warm up while the client reads the capabilities, or along the first GetMap.
    warmUpEncodersInBackground();
    const common = parseParams(COMMON, request.parameters());
    const op = this.operation('WMS', common.REQUEST);
    await op({ request, response, version: negotiateWmsVersion(common.VERSION), ...this.basics(request, project, 'WMS') });
  }
}
