/**
 * A writer process for the multi-process test of edit.test.ts: `node edit-writer.js <file> <layer> <tag> <n>`
 * runs n transactions (20 inserts, then an update of its own rows) and prints "<ok> <failed>".
 */
import { DataAccess } from '../../src/data/layer-access.js';
import { vectorLayer } from './fixtures.js';

const [file, layerName, tag, count] = process.argv.slice(2) as [string, string, string, string];
const layer = vectorLayer('w', file, {
  source: { connection: file, layer: layerName }, editable: { insert: true, update: true, delete: true },
  fields: [{ name: 'name', alias: 'name', type: 'string' }, { name: 'role', alias: 'role', type: 'string' }],
});
const access = new DataAccess({ snapshot: false });
let ok = 0, failed = 0;
for (let t = 0; t < Number(count); t++) {
  try {
    await access.forRequest(null).transaction([
      { type: 'insert', layer, features: Array.from({ length: 20 }, (_, i) => ({ attributes: { name: `${tag}${t}-${i}` }, geometry: { type: 'Point', coordinates: [i, t] } })) },
      { type: 'update', layer, where: { filter: `"name" LIKE '${tag}%'` }, attributes: { role: tag } },
    ]);
    ok++;
  } catch (err) {
    failed++;
    console.error(err);
  }
}
console.log(`${ok} ${failed}`);
await access.close();
