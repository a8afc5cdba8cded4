import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { get, httpRequest } from '../helpers/http.js';
import { PatternChecker } from '../helpers/pattern.js';
import { needTools, pidsWithEnv, removeDir, tempDir, which } from '../helpers/procs.js';
import { apacheModulesDir, startApache, type WebServer } from '../helpers/web-servers.js';

const modules = apacheModulesDir();
const tools = needTools({
  apache2: which('apache2') ?? which('httpd'),
  mod_fcgid: modules && path.join(modules, 'mod_fcgid.so'),
  mod_mpm_event: modules && path.join(modules, 'mod_mpm_event.so'),
});

/** Up to 1 MiB: mod_fcgid refuses bodies over 128 KiB unless FcgidMaxRequestLen says otherwise. */
const POST_SIZES = [0, 1, 1000, 65_536, 131_073, 300_000, 1_048_576];

describe('through Apache 2.4 + mod_fcgid (conf/apache/ows-server.conf), which spawns bin/ows-fcgi', { skip: tools.skip, timeout: 240_000 }, () => {
  let dir: string | undefined;
  let web: WebServer | undefined;
  let marker = '';
  const agents: http.Agent[] = [];

  before(async () => {
    tools.assertTools();
    dir = await tempDir('ows-e2e-apache-');
    marker = path.basename(dir);
    web = await startApache({ apache2: (which('apache2') ?? which('httpd'))!, modules: modules!, dir, env: { OWS_LOG_LEVEL: 'info' }, marker });
  });

  after(async () => {
    for (const a of agents) a.destroy();
    await web?.stop();
    await removeDir(dir);
  });

  test('SERVICE=HELLO answers HelloServer! (mod_fcgid starts the worker on the first request)', async () => {
    const r = await get(web!.port, '/ows?SERVICE=HELLO');
    assert.equal(r.status, 200, `${r.text}\n${await web!.errorLog()}`);
    assert.equal(r.text, 'HelloServer!');
    assert.match(String(r.headers['content-type']), /^text\/plain/);
  });

  test('the OGC API below the script alias: /ows/customapi answers JSON', async () => {
    const r = await get(web!.port, '/ows/customapi?x=1&y=2&r=3', { accept: 'application/json' });
    assert.equal(r.status, 200, r.text);
    const feature = JSON.parse(r.text) as { type: string; properties: Record<string, number> };
    assert.equal(feature.type, 'Feature');
    assert.deepEqual(feature.properties, { x: 1, y: 2, r: 3 });
  });

  test('the worker sees the URL the client asked for', async () => {
    const r = await get(web!.port, '/ows?SERVICE=ECHO&a=%20b');
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-echo-url'], `http://127.0.0.1:${web!.port}/ows?SERVICE=ECHO&a=%20b`);
    const spoofed = await get(web!.port, '/ows?SERVICE=ECHO', { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', forwarded: 'host=evil.example' });
    assert.equal(spoofed.headers['x-echo-url'], `http://127.0.0.1:${web!.port}/ows?SERVICE=ECHO`, "the client's own X-Forwarded-* are dropped");
  });

  test('POSTs up to 1 MiB, one keep-alive client then 3 at once: every body echoed', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    for (let i = 0; i < 70; i++) {
      const body = randomBytes(POST_SIZES[i % POST_SIZES.length]!);
      const r = await httpRequest({ port: web!.port, path: `/ows?SERVICE=ECHO&i=${i}`, method: 'POST', body, agent, headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(r.status, 200, `POST ${i} (${body.length} bytes): ${r.status} ${r.body.subarray(0, 300).toString()}`);
      assert.equal(r.headers['x-echo-method'], 'POST');
      assert.ok(r.body.equals(body), `POST ${i}: the body came back different`);
    }
    await Promise.all([0, 1, 2].map(async (c) => {
      const a = new http.Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(a);
      for (let i = 0; i < 15; i++) {
        const body = randomBytes(POST_SIZES[(i + c) % POST_SIZES.length]!);
        const r = await httpRequest({ port: web!.port, path: `/ows?SERVICE=ECHO&c=${c}&i=${i}`, method: 'POST', body, agent: a });
        assert.equal(r.status, 200, `client ${c} POST ${i}: ${r.status}`);
        assert.ok(r.body.equals(body), `client ${c} POST ${i}: the body came back different`);
      }
    }));
  });

  test('a 52 MB streamed response: every byte in order, sendResponse once per chunk plus once at the end', async () => {
    const chunks = 800;
    const size = 65_536;
    const bytes = chunks * size;
    const checker = new PatternChecker();
    const r = await httpRequest({ port: web!.port, path: `/ows?SERVICE=STREAMTEST&CHUNKS=${chunks}&SIZE=${size}`, timeoutMs: 90_000 }, (c) => checker.push(c, bytes));
    const trailer = `\nSENDRESPONSE-CALLS=${chunks + 1}\n`;
    assert.equal(r.status, 200);
    assert.equal(checker.firstMismatch, -1, `the pattern breaks at byte ${checker.firstMismatch}`);
    assert.equal(checker.tail.subarray(-trailer.length).toString(), trailer);
    assert.equal(checker.bytes, bytes + trailer.length);
  });

  test('Apache logged no error, and on stop its workers exit 0 and none is left behind', async () => {
    assert.deepEqual(await web!.errors(), []);
    assert.ok(pidsWithEnv('OWS_E2E_MARKER', marker).length >= 1, 'no worker found with the marker variable');
    const exit = await web!.stop();
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.deepEqual(pidsWithEnv('OWS_E2E_MARKER', marker), []);
    const log = await web!.errorLog();
    assert.match(log, /"msg":"stopped"/, 'the worker did not stop gracefully');
    assert.doesNotMatch(log, /terminated by calling exit\(\), return code: [1-9]|get stop signal|SIGKILL/);
  });
});
