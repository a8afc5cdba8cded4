import { OgcError, MissingParameterError } from '../../errors/ogc-error.js';
import type { ExceptionFormat } from '../../errors/render.js';
import type { DataAccess } from '../../data/index.js';
import { parseParams } from '../../params/table.js';
import type { Project } from '../../project/project.js';
import { isProjectModel } from '../../project/loader.js';
import type { ServerRequest } from '../../server/request.js';
import type { ServerResponse } from '../../server/response.js';
import type { ServerInterface } from '../../server/server-interface.js';
import type { ServiceLike } from '../../server/service.js';
import { serviceUrl } from '../../server/service-url.js';
import type { WmsContext } from './context.js';
import { COMMON } from './parameters.js';
import { negotiateWmsVersion } from './version.js';

/** One WMS operation. */
export type WmsOperation = (ctx: WmsContext) => Promise<void>;

/**
 * The WMS service (1.3.0 and 1.1.1 in one, as QGIS Server does): negotiates the version, checks the
 * project, and hands the request to the module of its REQUEST.
 */
export class WmsService implements ServiceLike {
  readonly #operations: ReadonlyMap<string, WmsOperation>;

  constructor(private readonly iface: ServerInterface, private readonly data: DataAccess, operations: Record<string, WmsOperation>) {
    this.#operations = new Map(Object.entries(operations).map(([k, v]) => [k.toLowerCase(), v]));
  }
  name(): string {
    return 'WMS';
  }
  version(): string {
    return '1.3.0';
  }
  allowMethod(method: string): boolean {
    return method === 'GET' || method === 'HEAD' || method === 'POST';
  }
  exceptionFormat(version: string): ExceptionFormat {
    return negotiateWmsVersion(version) === '1.1.1' ? 'wms-1.1.1' : 'wms-1.3.0';
  }
  /** REQUEST names served (for error messages). */
  operations(): string[] {
    return [...this.#operations.keys()];
  }

  async executeRequest(request: ServerRequest, response: ServerResponse, project: Project | null): Promise<void> {
    const common = parseParams(COMMON, request.parameters());
    const op = this.#operations.get(common.REQUEST.toLowerCase()) ?? (common.REQUEST.toLowerCase() === 'capabilities' ? this.#operations.get('getcapabilities') : undefined);
    if (!op) {
      throw new OgcError('OperationNotSupported', `Request '${common.REQUEST}' is not supported by WMS; use one of: ${[...this.#operations.keys()].join(', ')}`, { locator: 'REQUEST' });
    }
    if (!project) throw new MissingParameterError('MAP', 'No project: give MAP, or set OWS_PROJECT_FILE on the server');
    if (!isProjectModel(project)) throw new OgcError('NoApplicableCode', 'The project loader gave no layers; WMS needs a project file');
    const settings = this.iface.settings();
    const base = serviceUrl(request, project.service.onlineResource ?? settings.serviceUrl, settings.trustProxy);
    const map = request.parameter('MAP');
    if (map) base.searchParams.set('MAP', map);
    const onlineResource = base.toString() + (base.search ? '&' : '?');
    await op({
      request, response, project, iface: this.iface,
      version: negotiateWmsVersion(common.VERSION),
      access: this.data.forRequest(this.iface.accessControls()),
      onlineResource,
    });
  }
}
