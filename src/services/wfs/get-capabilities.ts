import { OgcError } from '../../errors/ogc-error.js';
import type { WfsContext } from './context.js';

/** WFS GetCapabilities (placeholder until the module lands). */
export async function getCapabilities(_ctx: WfsContext): Promise<void> {
  throw new OgcError('OperationNotSupported', 'GetCapabilities is not implemented yet', { locator: 'REQUEST' });
}
