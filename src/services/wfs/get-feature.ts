import { OgcError } from '../../errors/ogc-error.js';
import type { WfsContext } from './context.js';

/** WFS GetFeature (placeholder until the module lands). */
export async function getFeature(_ctx: WfsContext): Promise<void> {
  throw new OgcError('OperationNotSupported', 'GetFeature is not implemented yet', { locator: 'REQUEST' });
}
