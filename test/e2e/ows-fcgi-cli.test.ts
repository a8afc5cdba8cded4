import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { lstat, readFile, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FCGI, FcgiConnection, beginRequest, cgiParams, nameValues, record, requestRecords, streamRecords } from '../helpers/fcgi-client.js';
import { verifyPattern } from '../helpers/pattern.js';
import { IS_ROOT, OWS_FCGI, PLUGIN_PATH, Proc, ROOT, exists, freePort, needTools, removeDir, tempDir, userIds, waitForListen, which, workerEnv } from '../helpers/procs.js';
import { waitUntil } from '../helpers/wait.js';
import { WEB_USER } from '../helpers/web-servers.js';

const NODE = process.execPath;

/** A listening TCP socket on loopback, and its file descriptor (to hand to a child). */
async function listeningTcp(): Promise<{ server: net.Server; fd: number; port: number }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
  assert.ok(fd > 2, `no usable fd for the listening socket (${fd})`);
  return { server, fd, port: (server.address() as net.AddressInfo).port };
}

/** One HELLO over raw FastCGI. */
async function hello(target: string | number): Promise<string> {
  const c = await FcgiConnection.connect(target);
  try {
    const r = await c.request(1, cgiParams('GET', '/ows?SERVICE=HELLO'));
    assert.equal(r.status, 200);
    return r.body.toString();
  } finally {
    c.close();
  }
}

/** Runs ows-fcgi to its end (it must end within the timeout). */
async function run(args: string[], timeoutMs = 15_000, env = workerEnv()): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = new Proc('ows-fcgi', NODE, [OWS_FCGI, ...args], { env });
  const exit = await p.waitExit(timeoutMs);
  if (!exit) {
    await p.stop('SIGKILL');
    throw new Error(`ows-fcgi ${args.join(' ')} did not end:\n${p.tail()}`);
  }
  return { code: exit.code, stdout: p.stdout, stderr: p.stderr };
}

describe('bin/ows-fcgi', { timeout: 120_000 }, () => {
  let dir: string;
  const procs: Proc[] = [];
  const start = (name: string, command: string, args: string[], options: Parameters<typeof spawn>[2] = {}) => {
    const p = new Proc(name, command, args, { env: workerEnv(), ...options });
    procs.push(p);
    return p;
  };

  before(async () => {
    dir = await tempDir('ows-e2e-cli-');
  });
  after(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGKILL', 5000)));
    await removeDir(dir);
  });

  test('--help prints the usage and the OWS_* variables, exit 0', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: ows-fcgi/);
    for (const word of ['--socket', '--socket-mode', '--port', '--host', 'LISTEN_FDS', 'SIGTERM', 'OWS_PLUGINPATH', 'OWS_SHUTDOWN_TIMEOUT']) assert.ok(r.stdout.includes(word), word);
  });

  test('bad options, or no socket on fd 0, exit 2 with a message', async () => {
    for (const [args, re] of [
      [['--port', 'abc'], /--port 'abc' is not a port number/],
      [['--socket', 'x.sock', '--port', '1'], /exclude each other/],
      [['--socket', 'x.sock', '--socket-mode', 'rw'], /not an octal mode/],
      [['--frobnicate'], /Unknown option/],
      [[], /fd 0 is not a listening socket/],
    ] as Array<[string[], RegExp]>) {
      const r = await run(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
  });

  test('systemd socket activation: LISTEN_FDS=1 and LISTEN_PID of the worker, the socket on fd 3', async () => {
    const { server, fd, port } = await listeningTcp();
    const w = start('ows-fcgi (systemd)', '/bin/sh', ['-c', `export LISTEN_PID=$$ LISTEN_FDS=1 LISTEN_FDNAMES=ows; exec "${NODE}" "${OWS_FCGI}"`], {
      stdio: ['ignore', 'pipe', 'pipe', fd],
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await w.waitOutput(/accepting FastCGI connections/, 20_000);
    assert.match(w.stderr, /"fds":\[3\],"from":"systemd"/);
    assert.equal(await hello(port), 'HelloServer!');
    assert.equal(await hello(port), 'HelloServer!');
    w.kill('SIGTERM');
    assert.deepEqual(await w.waitExit(10_000), { code: 0, signal: null }, w.tail());
  });

  test('LISTEN_PID of another process: the sockets are not taken for ours', async () => {
    const { server, fd } = await listeningTcp();
    const w = start('ows-fcgi (wrong LISTEN_PID)', NODE, [OWS_FCGI], { stdio: ['ignore', 'pipe', 'pipe', fd], env: workerEnv({ LISTEN_PID: '1', LISTEN_FDS: '1' }) });
    server.close();
    assert.deepEqual(await w.waitExit(15_000), { code: 2, signal: null });
    assert.match(w.stderr, /fd 0 is not a listening socket/);
  });

  test('a listening socket on fd 0 (as spawn-fcgi and mod_fcgid hand it)', async () => {
    const { server, fd, port } = await listeningTcp();
    const w = start('ows-fcgi (fd 0)', NODE, [OWS_FCGI], { stdio: [fd, 'pipe', 'pipe'] });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await w.waitOutput(/accepting FastCGI connections/, 20_000);
    assert.match(w.stderr, /"fds":\[0\],"from":"fd 0"/);
    assert.equal(await hello(port), 'HelloServer!');
    w.kill('SIGTERM');
    assert.deepEqual(await w.waitExit(10_000), { code: 0, signal: null });
  });

  test('--socket: a stale socket file is replaced, the mode is set, a live one is refused, the file goes on exit', async () => {
    const sock = path.join(dir, 'worker.sock');
    // A socket file left by a process that died without closing it.
    const stale = start('stale', NODE, ['-e', 'require("net").createServer().listen(process.argv[1], () => process.exit(0))', sock]);
    assert.deepEqual(await stale.waitExit(10_000), { code: 0, signal: null });
    assert.ok((await lstat(sock)).isSocket());

    const w = start('ows-fcgi (--socket)', NODE, [OWS_FCGI, '--socket', sock, '--socket-mode', '0600']);
    await w.waitOutput(/accepting FastCGI connections/, 20_000);
    assert.equal((await stat(sock)).mode & 0o777, 0o600);
    assert.equal(await hello(sock), 'HelloServer!');

    const second = await run(['--socket', sock]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /another process is listening on/);
    assert.equal(await hello(sock), 'HelloServer!', 'the refused worker must not have removed the live socket');

    w.kill('SIGTERM');
    assert.deepEqual(await w.waitExit(10_000), { code: 0, signal: null });
    assert.equal(exists(sock), false, 'the socket file is removed on exit');

    const file = path.join(dir, 'not-a-socket');
    await writeFile(file, 'x');
    const refused = await run(['--socket', file]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /exists and is not a socket/);
    assert.equal(await readFile(file, 'utf8'), 'x');
  });

  test('run directly, bin/ows-fcgi execs node (same PID) without pretenuring, then the flags of OWS_NODE_FLAGS (none by default), and MALLOC_ARENA_MAX=2', async () => {
    const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    for (const [flags, expected] of [[undefined, []], ['', []], ['--max-semi-space-size=4 --max-old-space-size=1536', ['--max-semi-space-size=4', '--max-old-space-size=1536']]] as const) {
      const port = await freePort();
      const env = workerEnv({ OWS_NODE: NODE, ...(flags === undefined ? {} : { OWS_NODE_FLAGS: flags }) });
      if (flags === undefined) delete env['OWS_NODE_FLAGS'];
      delete env['MALLOC_ARENA_MAX'];
      const w = start(`ows-fcgi (direct, ${flags ?? 'default flags'})`, OWS_FCGI, ['--port', String(port), '--host', '127.0.0.1'], { env });
      await w.waitOutput(/accepting FastCGI connections/, 20_000);
      const args = cmdline(w.pid!);
      assert.equal(args[0], NODE, 'the shell became node (exec keeps the PID)');
      assert.deepEqual(args.slice(1, 2 + expected.length), ['--no-allocation-site-pretenuring', ...expected]);
      assert.equal(args[2 + expected.length], OWS_FCGI);
      const environ = readFileSync(`/proc/${w.pid!}/environ`, 'utf8').split('\0');
      assert.ok(environ.includes('MALLOC_ARENA_MAX=2'), 'glibc malloc arenas capped by default');
      assert.equal(await hello(port), 'HelloServer!');
      w.kill('SIGTERM');
      assert.deepEqual(await w.waitExit(10_000), { code: 0, signal: null }, w.tail());
    }
  });

  test('--port: FastCGI over TCP; SIGTERM with a slow request in flight finishes it, closes the connection, exits 0', async () => {
    const port = await freePort();
    const w = start('ows-fcgi (--port)', NODE, [OWS_FCGI, '--port', String(port), '--host', '127.0.0.1']);
    await w.waitOutput(/accepting FastCGI connections/, 20_000);
    assert.equal(await hello(port), 'HelloServer!');

    const c = await FcgiConnection.connect(port);
    c.send(requestRecords(1, cgiParams('GET', '/ows?SERVICE=STREAMTEST&CHUNKS=8&SIZE=5000&DELAY=150'), undefined, true));
    await c.waitRecord((r) => r.type === FCGI.STDOUT && r.id === 1 && r.content.length > 0);
    w.kill('SIGTERM');
    await w.waitOutput(/stopping: no new connections/, 5000);
    await assert.rejects(FcgiConnection.connect(port, 2000), 'a new connection must be refused once stopping');
    const r = await c.response(1, 10_000);
    assert.equal(r.status, 200);
    const trailer = '\nSENDRESPONSE-CALLS=9\n';
    assert.equal(r.body.length, 8 * 5000 + trailer.length);
    assert.equal(verifyPattern(r.body.subarray(0, 8 * 5000), 0), -1);
    assert.equal(r.body.subarray(-trailer.length).toString(), trailer);
    assert.equal(await c.waitClosed(5000), true, 'the kept connection is closed after its last request');
    assert.deepEqual(await w.waitExit(10_000), { code: 0, signal: null }, w.tail());
  });

  test('SIGTERM while a POST body is still arriving: the request is served, then the worker exits 0', async () => {
    const port = await freePort();
    const w = start('ows-fcgi (upload)', NODE, [OWS_FCGI, '--port', String(port)]);
    await w.waitOutput(/accepting FastCGI connections/, 20_000);
    const c = await FcgiConnection.connect(port);
    const body = Buffer.alloc(200_000, 0x41);
    const params = cgiParams('POST', '/ows?SERVICE=ECHO', { CONTENT_LENGTH: String(body.length), CONTENT_TYPE: 'application/octet-stream' });
    c.send(Buffer.concat([beginRequest(1, true), streamRecords(FCGI.PARAMS, 1, nameValues(params)), record(FCGI.STDIN, 1, body.subarray(0, 60_000))]));
    await sleep(200);
    w.kill('SIGTERM');
    await w.waitOutput(/stopping: no new connections/, 5000);
    await sleep(200);
    c.send(streamRecords(FCGI.STDIN, 1, body.subarray(60_000)));
    const r = await c.response(1, 10_000);
    assert.equal(r.status, 200);
    assert.ok(r.body.equals(body));
    assert.deepEqual(await w.waitExit(10_000), { code: 0, signal: null }, w.tail());
  });

  test('OWS_SHUTDOWN_TIMEOUT bounds how long SIGTERM waits for a request that does not end', async () => {
    const port = await freePort();
    const w = start('ows-fcgi (timeout)', NODE, [OWS_FCGI, '--port', String(port)], { env: workerEnv({ OWS_SHUTDOWN_TIMEOUT: '300' }) });
    await w.waitOutput(/accepting FastCGI connections/, 20_000);
    const c = await FcgiConnection.connect(port);
    c.send(requestRecords(1, cgiParams('GET', '/ows?SERVICE=STREAMTEST&CHUNKS=100&SIZE=10&DELAY=1000')));
    await c.waitRecord((r) => r.type === FCGI.STDOUT && r.id === 1 && r.content.length > 0);
    const t0 = Date.now();
    w.kill('SIGTERM');
    assert.deepEqual(await w.waitExit(10_000), { code: 0, signal: null });
    assert.ok(Date.now() - t0 < 5000);
    assert.match(w.stderr, /shutdown timeout/);
    c.close();
  });

  const spawnFcgi = which('spawn-fcgi');
  const tools = needTools({ 'spawn-fcgi': spawnFcgi });
  test('conf/nginx/spawn-ows-fcgi.sh starts N workers on one socket with spawn-fcgi', { skip: tools.skip }, async () => {
    tools.assertTools();
    const runDir = path.join(dir, 'run');
    const sock = path.join(runDir, 'ows.sock');
    const log = path.join(dir, 'log', 'ows-fcgi.log');
    const env: NodeJS.ProcessEnv = { ...workerEnv(), OWS_HOME: ROOT, OWS_SOCKET: sock, OWS_LOG: log, NODE, OWS_PLUGINPATH: PLUGIN_PATH };
    if (IS_ROOT) {
      assert.ok(userIds(WEB_USER), `${WEB_USER} is needed to run the workers as another user than root`);
      env['OWS_USER'] = WEB_USER;
      env['WEB_GROUP'] = WEB_USER;
    }
    const script = start('spawn-ows-fcgi.sh', '/bin/sh', [path.join(ROOT, 'conf/nginx/spawn-ows-fcgi.sh'), '2'], { env, cwd: dir });
    const pidFile = path.join(runDir, 'spawn-fcgi.pid');
    let pids: number[] = [];
    try {
      assert.deepEqual(await script.waitExit(15_000), { code: 0, signal: null }, script.tail());
      pids = (await readFile(pidFile, 'utf8')).split('\n').filter(Boolean).map(Number);
      assert.equal(pids.length, 2, `pid file: ${pids}`);
      await waitForListen(sock, 20_000);
      assert.equal((await stat(sock)).mode & 0o777, 0o660);
      // Both workers accept on the one socket: wait until each is up (it logs), then query.
      const started = () => (readFileIfAny(log).match(/accepting FastCGI connections/g) ?? []).length;
      await waitUntil(() => started() === 2, 20_000, 'both workers did not log that they accept');
      const bodies = await Promise.all(Array.from({ length: 6 }, () => hello(sock)));
      assert.deepEqual(bodies, Array(6).fill('HelloServer!'));
      if (IS_ROOT) assert.equal((await stat(`/proc/${pids[0]}`)).uid, userIds(WEB_USER)!.uid, 'the workers run as OWS_USER');
    } finally {
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          /* gone */
        }
      }
      await waitUntil(() => pids.every(gone), 15_000, 'the workers did not exit on SIGTERM');
    }
  });
});

function readFileIfAny(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

/** Whether a process is gone (or a zombie nobody reaped yet). */
function gone(pid: number): boolean {
  try {
    return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
