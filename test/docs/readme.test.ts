import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EXCEPTION_CODES } from '../../src/errors/codes.js';
import { SETTINGS_DOC } from '../../src/server/settings.js';
import { ROOT } from '../support/server.js';

const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');

test('every exception code is documented in the README with its status', () => {
  for (const [code, { status }] of Object.entries(EXCEPTION_CODES)) {
    assert.match(readme, new RegExp(`\\| \`${code}\` \\| ${status} \\|`), code);
  }
});

test('every setting is documented in the README', () => {
  for (const name of Object.keys(SETTINGS_DOC)) assert.match(readme, new RegExp(`\\| \`${name}\` \\|`), name);
});

test('the quick start is two commands, and CI runs the test one', async () => {
  const block = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const commands = block.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
  assert.deepEqual(commands, ['bash scripts/demo.sh', 'bash scripts/test.sh']);
  const ci = await readFile(path.join(ROOT, '.ci/run'), 'utf8');
  assert.match(ci, /^exec bash scripts\/test\.sh$/m);
});
