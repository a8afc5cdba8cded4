import { OgcError } from '../../errors/ogc-error.js';
import type { ExceptionFormat } from '../../errors/render.js';
import { parseParams } from '../../params/table.js';
import type { Project } from '../../project/project.js';
import type { ServerRequest } from '../../server/request.js';
import type { ServerResponse } from '../../server/response.js';
import type { ServiceLike } from '../../server/service.js';
import { OwsService } from '../ows-service.js';
import type { WfsContext } from './context.js';
import { COMMON } from './parameters.js';
import { negotiateCapabilitiesVersion, operationVersion, type WfsVersion } from './version.js';
import { parseXml } from './xml/parse-xml.js';
import { attr, type XmlElement } from './xml/xml-tree.js';
import { isXmlBody } from './xml/sniff.js';

/** One WFS operation. */
export type WfsOperation = (ctx: WfsContext) => Promise<void>;

/**
 * The WFS service (2.0.0, 1.1.0 and 1.0.0 in one): reads the operation from REQUEST or from the root element
 * of an XML POST body, settles the version, checks the project, and hands the request to its module.
 */
export class WfsService extends OwsService<WfsOperation> implements ServiceLike {
  name(): string {
    return 'WFS';
  }
  version(): string {
    return '2.0.0';
  }
  exceptionFormat(version: string): ExceptionFormat {
    const v = version.trim();
    if (v.startsWith('1.0')) return 'ogc-1.2.0';
    if (v.startsWith('1.1')) return 'ows-1.0';
    return 'ows-1.1';
  }

  async executeRequest(request: ServerRequest, response: ServerResponse, project: Project | null): Promise<void> {
    let body: XmlElement | null = null;
    let requestName: string;
    let version: WfsVersion;
    if (request.method() === 'POST' && isXmlBody(request)) {
      body = parseXml(request.data());
      requestName = body.local;
      const service = attr(body, 'service');
      if (service !== undefined && service.toUpperCase() !== 'WFS') {
        throw new OgcError('InvalidParameterValue', `The request is for service '${service.slice(0, 40)}', not WFS`, { locator: 'service' });
      }
      version = requestName.toLowerCase() === 'getcapabilities'
        ? negotiateCapabilitiesVersion(acceptVersionsOf(body), attr(body, 'version'))
        : operationVersion(attr(body, 'version') ?? request.parameter('VERSION'));
    } else {
      const common = parseParams(COMMON, request.parameters());
      requestName = common.REQUEST;
      if (requestName.toLowerCase() === 'getcapabilities' || requestName.toLowerCase() === 'capabilities') {
        const accept = request.parameter('ACCEPTVERSIONS');
        version = negotiateCapabilitiesVersion(accept ? accept.split(',').map((s) => s.trim()).filter(Boolean) : undefined, common.VERSION);
      } else version = operationVersion(common.VERSION);
    }
    const op = this.operation('WFS', requestName);
    await op({ request, response, version, body, ...this.basics(request, project, 'WFS') });
  }
}

/** ows:AcceptVersions/ows:Version values of a POSTed GetCapabilities. */
function acceptVersionsOf(root: XmlElement): string[] | undefined {
  const accept = root.children.find((c) => c.local === 'AcceptVersions');
  if (!accept) return undefined;
  return accept.children.filter((c) => c.local === 'Version').map((c) => c.text.trim());
}
