import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, exists, needTools, removeDir, tempDir, which } from '../helpers/procs.js';

const exec = promisify(execFile);
const SYSTEMD = path.join(ROOT, 'systemd');
const systemdAnalyze = which('systemd-analyze');
const tools = needTools({ 'systemd-analyze': systemdAnalyze });

/** The value of the first `Key=` line of a unit file. */
function unitValue(text: string, key: string): string | undefined {
  return new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1]?.trim();
}

/** systemd-analyze verify on unit files in a directory; never hangs, never throws on a failing verify. */
async function verify(dir: string, units: string[]): Promise<{ code: number; output: string }> {
  try {
    const r = await exec(systemdAnalyze!, ['verify', ...units.map((u) => path.join(dir, u))], { cwd: dir, timeout: 60_000, env: { ...process.env, SYSTEMD_LOG_COLOR: '0', SYSTEMD_PAGER: '' } });
    return { code: 0, output: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string; killed?: boolean };
    if (e.killed) throw new Error('systemd-analyze verify timed out');
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('systemd units (socket activation)', { skip: tools.skip, timeout: 120_000 }, () => {
  let dir: string | undefined;

  before(async () => {
    tools.assertTools();
    dir = await tempDir('ows-e2e-systemd-');
    // The units are written for a deployment at /opt/ows-server with node at /usr/bin/node (OWS_NODE);
    // a machine without /usr/bin/node gets this node's path.
    for (const f of await readdir(SYSTEMD)) {
      let text = await readFile(path.join(SYSTEMD, f), 'utf8');
      if (!exists('/usr/bin/node')) text = text.split('/usr/bin/node').join(process.execPath);
      await writeFile(path.join(dir, f), text);
    }
    // Template units are verified through an instance name.
    for (const ext of ['socket', 'service']) await symlink(path.join(dir, `ows-server@.${ext}`), path.join(dir, `ows-server@1.${ext}`));
  });
  after(() => removeDir(dir));

  test('systemd-analyze verify: ows-server.socket + ows-server.service', async () => {
    const r = await verify(dir!, ['ows-server.socket', 'ows-server.service']);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(r.output.split('\n').filter((l) => /ows-server/.test(l)), [], 'verify complained about our units');
  });

  test('systemd-analyze verify: the per-worker templates ows-server@.socket + ows-server@.service', async () => {
    const r = await verify(dir!, ['ows-server@1.socket', 'ows-server@1.service']);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(r.output.split('\n').filter((l) => /ows-server/.test(l)), [], 'verify complained about our units');
  });

  test('verify does catch a broken unit (so the checks above mean something)', async () => {
    const text = await readFile(path.join(dir!, 'ows-server.service'), 'utf8');
    await writeFile(path.join(dir!, 'broken.service'), text.replace(/^ExecStart=\S+/m, 'ExecStart=/nonexistent/sh'));
    await copyFile(path.join(dir!, 'ows-server.socket'), path.join(dir!, 'broken.socket'));
    const r = await verify(dir!, ['broken.socket', 'broken.service']);
    assert.notEqual(r.code, 0);
    assert.match(r.output, /nonexistent/);
  });

  test('the units fit together and with the nginx example', async () => {
    const socket = await readFile(path.join(SYSTEMD, 'ows-server.socket'), 'utf8');
    const service = await readFile(path.join(SYSTEMD, 'ows-server.service'), 'utf8');
    const nginx = await readFile(path.join(ROOT, 'conf/nginx/ows-server.conf'), 'utf8');
    assert.equal(unitValue(socket, 'Accept'), 'no', 'one worker takes the listening socket (LISTEN_FDS), not a process per connection');
    const listen = unitValue(socket, 'ListenStream');
    assert.ok(listen && nginx.includes(`server unix:${listen};`), `nginx's upstream does not point at ${listen}`);
    assert.equal(unitValue(socket, 'SocketMode'), '0660');
    assert.equal(unitValue(socket, 'SocketGroup'), 'www-data');
    assert.match(unitValue(service, 'ExecStart') ?? '', /^\/bin\/sh \/opt\/ows-server\/bin\/ows-fcgi$/);
    assert.match(service, /^Environment=OWS_NODE=\/usr\/bin\/node$/m, 'the node that bin/ows-fcgi execs');
    assert.equal(unitValue(service, 'Requires'), 'ows-server.socket');
    assert.equal(unitValue(service, 'StandardInput'), undefined, 'the socket comes as LISTEN_FDS, not on stdin');
    const stopSec = Number(unitValue(service, 'TimeoutStopSec'));
    assert.ok(stopSec > 30, 'systemd must wait longer than OWS_SHUTDOWN_TIMEOUT (30 s) before SIGKILL');
  });
});

describe('example web server configs', () => {
  test('spawn-ows-fcgi.sh is valid sh', async () => {
    await exec('/bin/sh', ['-n', path.join(ROOT, 'conf/nginx/spawn-ows-fcgi.sh')], { timeout: 10_000 });
  });

  test('the nginx example keeps FastCGI connections (keepalive + fastcgi_keep_conn) and sizes bodies like OWS_MAX_BODY_SIZE', async () => {
    const nginx = await readFile(path.join(ROOT, 'conf/nginx/ows-server.conf'), 'utf8');
    assert.match(nginx, /^\s*fastcgi_keep_conn on;/m);
    assert.match(nginx, /^\s*keepalive \d+;/m);
    assert.match(nginx, /^\s*client_max_body_size 64m;/m);
  });

  test('the Apache example raises FcgidMaxRequestLen to OWS_MAX_BODY_SIZE', async () => {
    const apache = await readFile(path.join(ROOT, 'conf/apache/ows-server.conf'), 'utf8');
    const len = /^\s*FcgidMaxRequestLen (\d+)/m.exec(apache)?.[1];
    const max = /^\s*FcgidInitialEnv OWS_MAX_BODY_SIZE (\d+)/m.exec(apache)?.[1];
    assert.ok(len && max && Number(len) >= Number(max), `FcgidMaxRequestLen ${len} < OWS_MAX_BODY_SIZE ${max}`);
  });
});
