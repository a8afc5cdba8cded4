import { OgcError } from '../../errors/ogc-error.js';
import type { WfsContext } from './context.js';

/** WFS Transaction (placeholder until the module lands). */
export async function transaction(_ctx: WfsContext): Promise<void> {
  throw new OgcError('OperationNotSupported', 'Transaction is not implemented yet', { locator: 'REQUEST' });
}
