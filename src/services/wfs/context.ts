import type { ServerRequest } from '../../server/request.js';
import type { ServerResponse } from '../../server/response.js';
import type { OwsBasics } from '../ows-service.js';
import type { XmlElement } from './xml/xml-tree.js';
import type { WfsVersion } from './version.js';

/** What every WFS request module is given: the shared basics (project, iface, access, onlineResource) and these. */
export interface WfsContext extends OwsBasics {
  request: ServerRequest;
  response: ServerResponse;
  version: WfsVersion;
  /** The parsed XML body of a POST request (its root element names the operation); null for KVP requests. */
  body: XmlElement | null;
}
