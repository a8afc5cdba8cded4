/**
 * OGC API – Features Part 4 (20-002, Create, Replace, Update and Delete) on the Features API: POST on the items
 * of a collection, PUT / PATCH / DELETE on a feature, OPTIONS on both. What a collection takes is the project's
 * `editable` key (else 405 with Allow); access control's permissions and allowToEdit make 403s; every request is
 * one all-or-nothing transaction of the data layer. README.md beside this file says what is answered when.
 */
import type { DataAccess } from '../../../data/index.js';
import type { OgcApiHandler } from '../../handler.js';
import { CreateFeatureHandler } from './create.js';
import { DeleteFeatureHandler } from './delete.js';
import { OptionsHandler } from './options.js';
import { ReplaceFeatureHandler } from './replace.js';
import { UpdateFeatureHandler } from './update.js';

const PART4 = 'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf';

/** The Part 4 conformance classes implemented: POST / PUT / DELETE (and OPTIONS), PATCH, and their GeoJSON features. */
export const TRANSACTIONS_CONFORMANCE: readonly string[] = [`${PART4}/create-replace-delete`, `${PART4}/update`, `${PART4}/features`];

/** The Part 4 handlers, in the order the API registers them (after the GET handlers of the same paths). */
export function transactionHandlers(data: DataAccess): OgcApiHandler[] {
  return [
    new CreateFeatureHandler(data),
    new OptionsHandler(data, 'items'),
    new ReplaceFeatureHandler(data),
    new UpdateFeatureHandler(data),
    new DeleteFeatureHandler(data),
    new OptionsHandler(data, 'item'),
  ];
}
