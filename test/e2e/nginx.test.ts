import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { get, getThenDisconnect, httpRequest } from '../helpers/http.js';
import { PatternChecker } from '../helpers/pattern.js';
import { Proc, needTools, removeDir, tempDir, which, workerEnv } from '../helpers/procs.js';
import { waitUntil } from '../helpers/wait.js';
import { spawnFcgiWorker, startNginx, type WebServer } from '../helpers/web-servers.js';

const tools = needTools({ nginx: which('nginx'), 'spawn-fcgi': which('spawn-fcgi'), '/etc/nginx/fastcgi_params': '/etc/nginx/fastcgi_params' });

/** The sizes the POST tests cycle through: empty, tiny, around nginx's body buffer, above it (temp file), and large. */
const POST_SIZES = [0, 1, 1000, 8191, 16_384, 65_536, 100_000, 300_000, 1_048_576];

/** Parses an OWS ExceptionReport enough to check code, locator and text. */
function owsException(xml: string): { code?: string; locator?: string; text?: string } {
  const ex = /<ows:Exception\b([^>]*)>/.exec(xml)?.[1] ?? '';
  return {
    code: /exceptionCode="([^"]*)"/.exec(ex)?.[1],
    locator: /locator="([^"]*)"/.exec(ex)?.[1],
    text: /<ows:ExceptionText>([\s\S]*?)<\/ows:ExceptionText>/.exec(xml)?.[1],
  };
}

/** Stats of the STREAMTEST fixture in the worker. */
async function streamStats(port: number): Promise<{ started: number; completed: number; aborted: number }> {
  const r = await get(port, '/ows?SERVICE=STREAMTEST&REQUEST=Stats');
  assert.equal(r.status, 200, r.text);
  return JSON.parse(r.text) as { started: number; completed: number; aborted: number };
}

describe('through nginx (fastcgi_keep_conn, upstream keepalive) and spawn-fcgi', { skip: tools.skip, timeout: 240_000 }, () => {
  let dir: string | undefined;
  let worker: Proc | undefined;
  let web: WebServer | undefined;
  let connections: () => number = () => 0;
  let requests = 0;
  const agents: http.Agent[] = [];

  /** A keep-alive client, like a browser or a GIS client. */
  function keepAliveAgent(): http.Agent {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    return agent;
  }

  before(async () => {
    tools.assertTools();
    dir = await tempDir('ows-e2e-nginx-');
    const socket = path.join(dir, 'ows.sock');
    worker = await spawnFcgiWorker(which('spawn-fcgi')!, socket, workerEnv({ OWS_LOG_LEVEL: 'debug', OWS_SHUTDOWN_TIMEOUT: '20000' }));
    connections = worker.countLines(/FastCGI connection accepted/);
    web = await startNginx(which('nginx')!, dir, socket);
  });

  after(async () => {
    for (const a of agents) a.destroy();
    await web?.stop();
    await worker?.stop('SIGTERM', 10_000);
    await removeDir(dir);
  });

  test('SERVICE=HELLO answers HelloServer! (the example plugin)', async () => {
    const r = await get(web!.port, '/ows?SERVICE=HELLO');
    requests++;
    assert.equal(r.status, 200);
    assert.equal(r.text, 'HelloServer!');
    assert.match(String(r.headers['content-type']), /^text\/plain/);
  });

  test('the custom OGC API at /customapi answers a GeoJSON Feature as JSON', async () => {
    const r = await get(web!.port, '/customapi?x=1&y=2&r=3', { accept: 'application/json' });
    requests++;
    assert.equal(r.status, 200, r.text);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    const feature = JSON.parse(r.text) as { type: string; geometry: { type: string; coordinates: number[][] }; properties: Record<string, number> };
    assert.equal(feature.type, 'Feature');
    assert.deepEqual(feature.properties, { x: 1, y: 2, r: 3 });
    const first = feature.geometry.coordinates[0]!;
    assert.ok(Math.abs(first[0]! - 4) < 1e-9 && Math.abs(first[1]! - 2) < 1e-9, `first point ${first}`);
    assert.deepEqual(feature.geometry.coordinates.at(-1), first, 'the ring is closed');
  });

  test('the worker sees the request as the client sent it: method, path, query, host', async () => {
    const r = await httpRequest({ port: web!.port, path: '/ows/sub/?SERVICE=ECHO&a=%20b&c=%C3%A9', method: 'PUT', body: 'x', headers: { 'content-type': 'text/plain' } });
    requests++;
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-echo-method'], 'PUT');
    assert.equal(r.headers['x-echo-content-type'], 'text/plain');
    assert.match(String(r.headers['x-echo-url']), /^http:\/\/127\.0\.0\.1(:\d+)?\/ows\/sub\/\?SERVICE=ECHO&a=%20b&c=%C3%A9$/);
  });

  test("a client's own X-Forwarded-Host / -Proto do not reach the worker (nginx is the edge)", async () => {
    const r = await get(web!.port, '/ows?SERVICE=ECHO', { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', forwarded: 'host=evil.example;proto=https' });
    requests++;
    assert.equal(r.status, 200);
    assert.match(String(r.headers['x-echo-url']), /^http:\/\/127\.0\.0\.1(:\d+)?\/ows\?SERVICE=ECHO$/);
  });

  test('200 POSTs on one keep-alive client: every body echoed, no 502', async () => {
    const agent = keepAliveAgent();
    for (let i = 0; i < 200; i++) {
      const body = randomBytes(POST_SIZES[i % POST_SIZES.length]!);
      const r = await httpRequest({ port: web!.port, path: `/ows?SERVICE=ECHO&i=${i}`, method: 'POST', body, agent, headers: { 'content-type': 'application/octet-stream' } });
      requests++;
      assert.equal(r.status, 200, `POST ${i} (${body.length} bytes): ${r.status} ${r.body.subarray(0, 300).toString()}`);
      assert.equal(r.headers['x-echo-method'], 'POST');
      assert.equal(r.headers['x-echo-length'], String(body.length));
      assert.ok(r.body.equals(body), `POST ${i}: the body came back different`);
    }
  });

  test('a form POST carries its KVP in the body (SERVICE from the body)', async () => {
    const body = 'SERVICE=ECHO&REQUEST=Anything&LAYERS=a%2Cb';
    const r = await httpRequest({ port: web!.port, path: '/ows', method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    requests++;
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.body.toString(), body);
  });

  test('4 concurrent keep-alive clients x 60 POSTs: all echoed, no 502', async () => {
    const client = async (c: number) => {
      const agent = keepAliveAgent();
      for (let i = 0; i < 60; i++) {
        const body = randomBytes(POST_SIZES[(i + c) % POST_SIZES.length]!);
        const r = await httpRequest({ port: web!.port, path: `/ows?SERVICE=ECHO&c=${c}&i=${i}`, method: 'POST', body, agent });
        requests++;
        assert.equal(r.status, 200, `client ${c} POST ${i}: ${r.status}`);
        assert.ok(r.body.equals(body), `client ${c} POST ${i}: the body came back different`);
      }
    };
    await Promise.all([0, 1, 2, 3].map(client));
  });

  test('nginx kept its FastCGI connections open (FCGI_KEEP_CONN honoured) and logged no upstream error', async () => {
    assert.ok(requests >= 440, `requests: ${requests}`);
    assert.ok(connections() >= 1, 'the worker never logged a connection');
    assert.ok(connections() <= 20, `${connections()} FastCGI connections for ${requests} requests: they are not being kept`);
    assert.deepEqual((await web!.errors()).filter((l) => /upstream|fastcgi/i.test(l)), []);
  });

  test('a 52 MB streamed response: every byte in order, sendResponse ran once per chunk plus once at the end', async () => {
    const chunks = 800;
    const size = 65_536;
    const bytes = chunks * size;
    const checker = new PatternChecker();
    const r = await httpRequest({ port: web!.port, path: `/ows?SERVICE=STREAMTEST&CHUNKS=${chunks}&SIZE=${size}`, timeoutMs: 90_000 }, (c) => checker.push(c, bytes));
    const trailer = `\nSENDRESPONSE-CALLS=${chunks + 1}\n`;
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-stream-bytes'], String(bytes));
    assert.equal(checker.firstMismatch, -1, `the pattern breaks at byte ${checker.firstMismatch}`);
    assert.equal(checker.tail.subarray(-trailer.length).toString(), trailer);
    assert.equal(checker.bytes, bytes + trailer.length);
  });

  test('unknown SERVICE: 400 InvalidParameterValue, an OWS XML exception', async () => {
    const r = await get(web!.port, '/ows?SERVICE=NOPE&REQUEST=GetCapabilities');
    assert.equal(r.status, 400);
    assert.match(String(r.headers['content-type']), /^text\/xml/);
    assert.match(r.text, /^<\?xml/);
    const ex = owsException(r.text);
    assert.equal(ex.code, 'InvalidParameterValue');
    assert.equal(ex.locator, 'SERVICE');
    assert.match(ex.text ?? '', /NOPE/);
  });

  test('missing REQUEST for a registered service: 400 MissingParameterValue, locator REQUEST', async () => {
    const r = await get(web!.port, '/ows?SERVICE=PARAMTEST');
    assert.equal(r.status, 400);
    assert.match(String(r.headers['content-type']), /^text\/xml/);
    const ex = owsException(r.text);
    assert.equal(ex.code, 'MissingParameterValue');
    assert.equal(ex.locator, 'REQUEST');
  });

  test("WIDTH=abc: 400 InvalidParameterValue \"WIDTH ('abc') cannot be converted into int\"", async () => {
    const r = await get(web!.port, '/ows?SERVICE=PARAMTEST&REQUEST=GetThing&WIDTH=abc');
    assert.equal(r.status, 400);
    const ex = owsException(r.text);
    assert.equal(ex.code, 'InvalidParameterValue');
    assert.equal(ex.locator, 'WIDTH');
    assert.equal(ex.text?.replace(/&apos;/g, "'"), "WIDTH ('abc') cannot be converted into int");
    const ok = await get(web!.port, '/ows?SERVICE=PARAMTEST&REQUEST=getthing&WIDTH=512');
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.text), { REQUEST: 'GetThing', WIDTH: 512 });
  });

  test('a plugin that throws: 500, an XML exception without message or stack; the worker answers the next request', async () => {
    for (const q of ['', '&ASYNC=1']) {
      const r = await get(web!.port, `/ows?SERVICE=THROW${q}`);
      assert.equal(r.status, 500);
      assert.match(String(r.headers['content-type']), /^text\/xml/);
      assert.match(r.text, /<ows:ExceptionReport/);
      assert.doesNotMatch(r.text, /secret-detail|plugin bug|async failure/);
      assert.doesNotMatch(r.text, /\bat .*:\d+:\d+|\.m?js\b|\/work\/|Error:/);
      const next = await get(web!.port, '/ows?SERVICE=HELLO');
      assert.equal(next.status, 200);
      assert.equal(next.text, 'HelloServer!');
    }
    assert.ok(worker!.alive);
  });

  test('a client that leaves mid-stream: the worker stops that stream and serves on', async () => {
    const before = await streamStats(web!.port);
    const r = await getThenDisconnect(web!.port, '/ows?SERVICE=STREAMTEST&CHUNKS=4000&SIZE=65536&DELAY=2', 2 * 1024 * 1024);
    assert.equal(r.status, 200);
    let now = before;
    await waitUntil(async () => {
      now = await streamStats(web!.port);
      return now.aborted > before.aborted;
    }, 20_000, 'the worker never saw the stream aborted');
    assert.equal(now.completed, before.completed, 'the abandoned stream ran to its end');
    assert.equal(now.started, before.started + 1);
    const next = await get(web!.port, '/ows?SERVICE=HELLO');
    assert.equal(next.status, 200);
    assert.ok(worker!.alive);
  });

  test('SIGTERM while a slow request is in flight: the request completes, then the worker exits 0', async () => {
    const w = worker!;
    const chunks = 12;
    const size = 10_000;
    const checker = new PatternChecker();
    let firstBytes!: () => void;
    const started = new Promise<void>((resolve) => (firstBytes = resolve));
    const pending = httpRequest({ port: web!.port, path: `/ows?SERVICE=STREAMTEST&CHUNKS=${chunks}&SIZE=${size}&DELAY=150`, timeoutMs: 30_000 }, (c) => {
      checker.push(c, chunks * size);
      firstBytes();
    });
    await started;
    w.kill('SIGTERM');
    const r = await pending;
    assert.equal(r.status, 200);
    assert.equal(checker.firstMismatch, -1);
    assert.equal(checker.bytes, chunks * size + `\nSENDRESPONSE-CALLS=${chunks + 1}\n`.length);
    const exit = await w.waitExit(15_000);
    assert.deepEqual(exit, { code: 0, signal: null }, w.tail());
    assert.match(w.stderr, /"msg":"stopping: no new connections/);
    assert.match(w.stderr, /"msg":"stopped"/);
  });
});
