/**
 * What the OGC web services built in (WMS, WFS) share: a table of operations by REQUEST name (case-insensitive),
 * the HTTP methods they take, and the checks and URLs every operation's context needs.
 */
import { OgcError, MissingParameterError } from '../errors/ogc-error.js';
import type { DataAccess, LayerAccess } from '../data/index.js';
import type { ProjectModel } from '../project/model.js';
import type { Project } from '../project/project.js';
import { isProjectModel } from '../project/loader.js';
import type { ServerRequest } from '../server/request.js';
import type { ServerInterface } from '../server/server-interface.js';
import { serviceUrl } from '../server/service-url.js';

/** The parts of an operation's context every service builds the same way. */
export interface OwsBasics {
  project: ProjectModel;
  iface: ServerInterface;
  /** The reads (and edits) of this request, access control applied. */
  access: LayerAccess;
  /** The URL clients call back, with `?` (and MAP when the request had one) ready for parameters. */
  onlineResource: string;
}

/** Base of the built-in services: operations by name, GET / HEAD / POST, and the shared context. */
export abstract class OwsService<Op> {
  readonly #operations: ReadonlyMap<string, Op>;

  constructor(protected readonly iface: ServerInterface, protected readonly data: DataAccess, operations: Record<string, Op>) {
    this.#operations = new Map(Object.entries(operations).map(([k, v]) => [k.toLowerCase(), v]));
  }
  allowMethod(method: string): boolean {
    return method === 'GET' || method === 'HEAD' || method === 'POST';
  }
  /** REQUEST names served (for error messages). */
  operations(): string[] {
    return [...this.#operations.keys()];
  }

  /** The operation of a REQUEST name (`Capabilities` is GetCapabilities, as WMS 1.0 and WFS 1.0 clients say), or OperationNotSupported. */
  protected operation(service: string, requestName: string): Op {
    const key = requestName.toLowerCase() === 'capabilities' ? 'getcapabilities' : requestName.toLowerCase();
    const op = this.#operations.get(key);
    if (!op) {
      throw new OgcError('OperationNotSupported', `Request '${requestName.slice(0, 80)}' is not supported by ${service}; use one of: ${this.operations().join(', ')}`, { locator: 'REQUEST' });
    }
    return op;
  }

  /** The project (a loaded project file, else the matching exception), the request's reads and the callback URL. */
  protected basics(request: ServerRequest, project: Project | null, service: string): OwsBasics {
    if (!project) throw new MissingParameterError('MAP', 'No project: give MAP, or set OWS_PROJECT_FILE on the server');
    if (!isProjectModel(project)) throw new OgcError('NoApplicableCode', `The project loader gave no layers; ${service} needs a project file`);
    const settings = this.iface.settings();
    const base = serviceUrl(request, project.service.onlineResource ?? settings.serviceUrl, settings.trustProxy);
    const map = request.parameter('MAP');
    if (map) base.searchParams.set('MAP', map);
    return {
      project, iface: this.iface,
      access: this.data.forRequest(this.iface.accessControls()),
      onlineResource: base.toString() + (base.search ? '&' : '?'),
    };
  }
}
