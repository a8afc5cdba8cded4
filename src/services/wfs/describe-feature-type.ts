import { OgcError } from '../../errors/ogc-error.js';
import type { WfsContext } from './context.js';

/** WFS DescribeFeatureType (placeholder until the module lands). */
export async function describeFeatureType(_ctx: WfsContext): Promise<void> {
  throw new OgcError('OperationNotSupported', 'DescribeFeatureType is not implemented yet', { locator: 'REQUEST' });
}
