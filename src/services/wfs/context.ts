import type { ServerRequest } from '../../server/request.js';
import type { ServerResponse } from '../../server/response.js';
import type { ServerInterface } from '../../server/server-interface.js';
import type { LayerAccess } from '../../data/index.js';
import type { ProjectModel } from '../../project/model.js';
import type { XmlElement } from './xml/xml-tree.js';
import type { WfsVersion } from './version.js';

/** What every WFS request module is given. */
export interface WfsContext {
  request: ServerRequest;
  response: ServerResponse;
  project: ProjectModel;
  version: WfsVersion;
  iface: ServerInterface;
  /** The reads (and edits) of this request, access control applied. */
  access: LayerAccess;
  /** The URL clients call back, with `?` (and MAP when the request had one) ready for parameters. */
  onlineResource: string;
  /** The parsed XML body of a POST request (its root element names the operation); null for KVP requests. */
  body: XmlElement | null;
}
