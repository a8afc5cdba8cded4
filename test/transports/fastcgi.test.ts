import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { Server } from '../../src/server/server.js';
import { loadSettings } from '../../src/server/settings.js';
import type { ServiceLike } from '../../src/server/service.js';
import { createFastcgiTransport, recordWriter, type FastcgiTransport } from '../../src/transports/fastcgi.js';
import { FCGI, FcgiConnection, cgiParams, nameValues, parseNameValues, record, requestRecords, streamRecords, beginRequest } from '../helpers/fcgi-client.js';
import { pattern, verifyPattern } from '../helpers/pattern.js';
import { deferred, waitUntil, withTimeout } from '../helpers/wait.js';

/** What the in-process STREAM service saw: per TAG, a promise that resolves when the response is aborted. */
const aborted = new Map<string, ReturnType<typeof deferred<void>>>();
const streamed = new Map<string, ReturnType<typeof deferred<number>>>();

function tagged<T>(map: Map<string, ReturnType<typeof deferred<T>>>, tag: string) {
  let d = map.get(tag);
  if (!d) {
    d = deferred<T>();
    map.set(tag, d);
  }
  return d;
}

const echo: ServiceLike = {
  name: () => 'ECHO',
  version: () => '1.0.0',
  allowMethod: () => true,
  executeRequest(request, response) {
    response.setHeader('Content-Type', 'application/octet-stream');
    response.setHeader('X-Echo-Method', request.method());
    response.setHeader('X-Echo-Url', request.url().toString());
    response.setHeader('X-Echo-Length', request.data().length);
    // A service may set hop-by-hop headers by mistake: they must not reach the CGI response.
    if (request.parameter('HOPBYHOP')) {
      response.setHeader('Connection', 'close');
      response.setHeader('Transfer-Encoding', 'chunked');
    }
    response.write(request.data());
  },
};

/** Streams CHUNKS chunks of SIZE bytes of the test pattern, DELAY ms apart; TAG names the request for the test. */
const stream: ServiceLike = {
  name: () => 'STREAM',
  version: () => '1.0.0',
  async executeRequest(request, response) {
    const chunks = Number(request.parameter('CHUNKS', '4'));
    const size = Number(request.parameter('SIZE', '65536'));
    const delay = Number(request.parameter('DELAY', '0'));
    const tag = request.parameter('TAG', '')!;
    response.signal.addEventListener('abort', () => tagged(aborted, tag).resolve());
    response.setHeader('Content-Type', 'application/octet-stream');
    let sent = 0;
    for (let i = 0; i < chunks; i++) {
      if (response.signal.aborted) break;
      response.write(pattern(sent, size));
      sent += size;
      await response.flush();
      if (delay) await sleep(delay);
    }
    tagged(streamed, tag).resolve(sent);
  },
};

describe('FastCGI transport (node-fastcgi) over a raw FastCGI connection', { timeout: 60_000 }, () => {
  let dir: string;
  let sock: string;
  let transport: FastcgiTransport;
  let tcpTransport: FastcgiTransport;
  let tcpPort: number;
  const conns: FcgiConnection[] = [];
  const logs: Array<Record<string, unknown>> = [];

  async function connect(target: string | number = sock): Promise<FcgiConnection> {
    const c = await FcgiConnection.connect(target);
    conns.push(c);
    return c;
  }

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ows-fcgi-unit-'));
    sock = path.join(dir, 'fcgi.sock');
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
    const server = new Server({ settings: { ...loadSettings({}), maxBodySize: 4 * 1024 * 1024 }, logger, loadPlugins: false });
    server.serverInterface().serviceRegistry().registerService(echo);
    server.serverInterface().serviceRegistry().registerService(stream);
    transport = createFastcgiTransport(server);
    transport.server.listen(sock);
    await once(transport.server, 'listening');
    tcpTransport = createFastcgiTransport(server);
    tcpTransport.server.listen(0, '127.0.0.1');
    await once(tcpTransport.server, 'listening');
    tcpPort = (tcpTransport.server.address() as net.AddressInfo).port;
  });

  after(async () => {
    for (const c of conns) c.close();
    transport.server.close();
    tcpTransport.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('FCGI_KEEP_CONN: a GET and a POST with a STDIN body on ONE connection, which stays open', async () => {
    const c = await connect();
    const first = await c.request(1, cgiParams('GET', '/ows?SERVICE=ECHO&X=1'));
    assert.equal(first.status, 200);
    assert.equal(first.headers['x-echo-method'], 'GET');
    assert.equal(first.appStatus, 0);
    assert.equal(first.protocolStatus, 0);
    assert.equal(await c.waitClosed(300), false, 'the worker closed the connection although FCGI_KEEP_CONN was set');
    // Nothing may follow END_REQUEST for that id: nginx drops a kept connection that sends more.
    const types = c.records.filter((r) => r.id === 1).map((r) => r.type);
    assert.equal(types.at(-1), FCGI.END_REQUEST, `records of request 1: ${types.join(',')}`);
    assert.ok(!types.includes(FCGI.STDERR), 'no STDERR records: logs go to the process stderr');

    const body = Buffer.from('<GetFeature service="WFS"/>'.repeat(10_000));
    const second = await c.request(2, cgiParams('POST', '/ows?SERVICE=ECHO', { CONTENT_TYPE: 'text/xml' }), body);
    assert.equal(second.status, 200);
    assert.equal(second.headers['x-echo-method'], 'POST');
    assert.equal(second.headers['x-echo-length'], String(body.length));
    assert.ok(second.body.equals(body), 'the POST body is echoed byte for byte');
    assert.equal(await c.waitClosed(300), false, 'the connection is still open after the second END_REQUEST');
    assert.equal(c.records.filter((r) => r.id === 2).at(-1)?.type, FCGI.END_REQUEST);

    // A request id may be used again once its END_REQUEST came.
    c.forget(1);
    const third = await c.request(1, cgiParams('GET', '/ows?SERVICE=ECHO&again=1'));
    assert.equal(third.status, 200);
    assert.equal(c.closed, false);
  });

  test('without FCGI_KEEP_CONN the worker closes the connection after END_REQUEST', async () => {
    const c = await connect();
    const r = await c.request(1, cgiParams('GET', '/ows?SERVICE=ECHO'), undefined, false);
    assert.equal(r.status, 200);
    assert.equal(await c.waitClosed(5000), true);
  });

  test('the CGI response is a plain Status line, headers and body: no Connection, Keep-Alive, Date or chunking', async () => {
    const c = await connect();
    const r = await c.request(1, cgiParams('GET', '/ows?SERVICE=ECHO&HOPBYHOP=1'), Buffer.from('abc'));
    assert.equal(r.headerLines[0], 'Status: 200 OK');
    const names = r.headerLines.map((l) => l.slice(0, l.indexOf(':')).toLowerCase());
    for (const banned of ['connection', 'keep-alive', 'transfer-encoding', 'date']) assert.ok(!names.includes(banned), `${banned} leaked: ${r.headerLines.join(' | ')}`);
    assert.equal(r.body.toString(), 'abc', 'the body is not chunk-encoded');
    const plain = await c.request(3, cgiParams('GET', '/ows?SERVICE=ECHO'), Buffer.from('abcd'));
    assert.deepEqual(plain.headerLines.slice(1).sort(), ['Content-Length: 4', 'Content-Type: application/octet-stream', 'X-Echo-Length: 4',
      'X-Echo-Method: GET', 'X-Echo-Url: http://ows.example.org/ows?SERVICE=ECHO']);

    const missing = await c.request(2, cgiParams('GET', '/ows?SERVICE=NOPE'));
    assert.equal(missing.headerLines[0], 'Status: 400 Bad Request');
    assert.match(missing.body.toString(), /InvalidParameterValue/);
  });

  test('the request URL comes from REQUEST_URI and Host; HTTPS=on makes it https; SERVER_NAME:PORT without Host', async () => {
    const c = await connect();
    const plain = await c.request(1, cgiParams('GET', '/ows/?SERVICE=ECHO&a=%20b', { HTTP_HOST: 'maps.example.org:8080' }));
    assert.equal(plain.headers['x-echo-url'], 'http://maps.example.org:8080/ows/?SERVICE=ECHO&a=%20b');
    const secure = await c.request(2, cgiParams('GET', '/ows?SERVICE=ECHO', { HTTPS: 'on', HTTP_HOST: 'maps.example.org' }));
    assert.equal(secure.headers['x-echo-url'], 'https://maps.example.org/ows?SERVICE=ECHO');
    const params = cgiParams('GET', '/ows?SERVICE=ECHO', { SERVER_NAME: 'backend.local', SERVER_PORT: '8081' });
    delete params['HTTP_HOST'];
    const noHost = await c.request(3, params);
    assert.equal(noHost.headers['x-echo-url'], 'http://backend.local:8081/ows?SERVICE=ECHO');
  });

  test('a HEAD request gets the headers and no body', async () => {
    const c = await connect();
    const r = await c.request(1, cgiParams('HEAD', '/ows?SERVICE=ECHO'));
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 0);
  });

  test('a body over the size limit is refused with 413 and the connection stays usable', async () => {
    const c = await connect();
    const big = Buffer.alloc(5 * 1024 * 1024, 1);
    const r = await c.request(1, cgiParams('POST', '/ows?SERVICE=ECHO', { CONTENT_TYPE: 'application/octet-stream' }), big);
    assert.equal(r.status, 413);
    assert.equal(r.headers['connection'], undefined);
    const next = await c.request(2, cgiParams('GET', '/ows?SERVICE=ECHO'));
    assert.equal(next.status, 200);
  });

  test('a streamed response arrives whole, in order, as STDOUT records', async () => {
    const c = await connect();
    const r = await c.request(1, cgiParams('GET', '/ows?SERVICE=STREAM&CHUNKS=40&SIZE=100000&TAG=whole'), undefined, true, 20_000);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-length'], undefined);
    assert.equal(r.body.length, 40 * 100_000);
    assert.equal(verifyPattern(r.body, 0), -1);
  });

  test('two requests multiplexed on one connection are both answered', async () => {
    const c = await connect();
    const a = requestRecords(1, cgiParams('GET', '/ows?SERVICE=ECHO&n=1'));
    const b = requestRecords(2, cgiParams('POST', '/ows?SERVICE=ECHO&n=2'), Buffer.from('two'));
    // Interleave the records of the two requests.
    c.send(Buffer.concat([a.subarray(0, 16), b.subarray(0, 16), a.subarray(16), b.subarray(16)]));
    const [ra, rb] = await Promise.all([c.response(1), c.response(2)]);
    assert.equal(ra.headers['x-echo-url'], 'http://ows.example.org/ows?SERVICE=ECHO&n=1');
    assert.equal(rb.body.toString(), 'two');
  });

  test('FCGI_GET_VALUES says the worker multiplexes', async () => {
    const c = await connect();
    c.send(record(FCGI.GET_VALUES, 0, nameValues({ FCGI_MPXS_CONNS: '', FCGI_MAX_CONNS: '' })));
    const r = await c.waitRecord((x) => x.type === FCGI.GET_VALUES_RESULT);
    const values = parseNameValues(r.content);
    assert.equal(values['FCGI_MPXS_CONNS'], '1');
    assert.ok(Number(values['FCGI_MAX_CONNS']) > 0);
  });

  test('FCGI_ABORT_REQUEST mid-stream aborts the ServerResponse; the connection serves the next request', async () => {
    const c = await connect();
    c.send(requestRecords(1, cgiParams('GET', '/ows?SERVICE=STREAM&CHUNKS=1000&SIZE=16384&DELAY=5&TAG=abort-record')));
    await c.waitRecord((r) => r.type === FCGI.STDOUT && r.id === 1 && r.content.length > 0);
    c.send(record(FCGI.ABORT_REQUEST, 1));
    await withTimeout(tagged(aborted, 'abort-record').promise, 5000, 'the service never saw the abort');
    const sent = await withTimeout(tagged(streamed, 'abort-record').promise, 5000, 'the service did not stop');
    assert.ok(sent < 1000 * 16384, 'the stream stopped early');
    await c.waitRecord((r) => r.type === FCGI.END_REQUEST && r.id === 1, 5000);
    assert.equal(c.closed, false);
    c.forget(1);
    const next = await c.request(1, cgiParams('GET', '/ows?SERVICE=ECHO'));
    assert.equal(next.status, 200);
  });

  test('the web server closing the connection mid-stream aborts the response; the worker serves on', async () => {
    const c = await connect();
    c.send(requestRecords(1, cgiParams('GET', '/ows?SERVICE=STREAM&CHUNKS=1000&SIZE=16384&DELAY=5&TAG=abort-close')));
    await c.waitRecord((r) => r.type === FCGI.STDOUT && r.id === 1 && r.content.length > 0);
    c.close();
    await withTimeout(tagged(aborted, 'abort-close').promise, 5000, 'the service never saw the disconnect');
    await withTimeout(tagged(streamed, 'abort-close').promise, 5000, 'the service did not stop');
    const d = await connect();
    assert.equal((await d.request(1, cgiParams('GET', '/ows?SERVICE=ECHO'))).status, 200);
    await waitUntil(() => transport.active() === 0, 5000, 'a request stayed active');
  });

  test('an abort while the POST body is still arriving ends the request and leaks nothing', async () => {
    const c = await connect();
    const params = cgiParams('POST', '/ows?SERVICE=ECHO', { CONTENT_LENGTH: '100000', CONTENT_TYPE: 'application/octet-stream' });
    c.send(Buffer.concat([beginRequest(1, true), streamRecords(FCGI.PARAMS, 1, nameValues(params)), record(FCGI.STDIN, 1, Buffer.alloc(1000, 7))]));
    await sleep(50);
    c.send(record(FCGI.ABORT_REQUEST, 1));
    await c.waitRecord((r) => r.type === FCGI.END_REQUEST && r.id === 1, 5000);
    await waitUntil(() => transport.active() === 0, 5000, 'the aborted request stayed active');
    // The body reader gave up too (it would otherwise wait forever for the rest of STDIN).
    await waitUntil(() => logs.some((l) => l['msg'] === 'request body could not be read'), 5000, 'the body read never ended');
    c.forget(1);
    assert.equal((await c.request(1, cgiParams('GET', '/ows?SERVICE=ECHO'))).status, 200);
  });

  test('a connection reset (RST) and an unknown record type drop one connection, never the worker', async () => {
    // Half a request, then a TCP reset: node-fastcgi would emit an 'error' event with the value `true`.
    const r = await connect(tcpPort);
    r.send(Buffer.concat([beginRequest(1, true), record(FCGI.PARAMS, 1, nameValues({ REQUEST_METHOD: 'GET' }))]));
    await sleep(50);
    r.socket.resetAndDestroy();
    // Also mid-stream.
    const s = await connect(tcpPort);
    s.send(requestRecords(1, cgiParams('GET', '/ows?SERVICE=STREAM&CHUNKS=1000&SIZE=16384&DELAY=5&TAG=rst')));
    await s.waitRecord((x) => x.type === FCGI.STDOUT && x.id === 1 && x.content.length > 0);
    s.socket.resetAndDestroy();
    await withTimeout(tagged(aborted, 'rst').promise, 5000, 'the service never saw the reset');
    // A record type FastCGI does not have: fastcgi-stream would throw from its 'data' listener.
    const g = await connect(tcpPort);
    g.send(record(42, 1, Buffer.from('junk')));
    assert.equal(await g.waitClosed(5000), true, 'the connection with garbage is dropped');
    const ok = await connect(tcpPort);
    assert.equal((await ok.request(1, cgiParams('GET', '/ows?SERVICE=ECHO'))).status, 200);
  });

  test('shutdown(): idle connections are closed at once, busy ones after their request', async () => {
    const server = new Server({ settings: loadSettings({}), logger: pino({ level: 'silent' }), loadPlugins: false });
    server.serverInterface().serviceRegistry().registerService(stream);
    const t = createFastcgiTransport(server);
    const p = path.join(dir, 'shutdown.sock');
    t.server.listen(p);
    await once(t.server, 'listening');
    const idle = await connect(p);
    const busy = await connect(p);
    busy.send(requestRecords(1, cgiParams('GET', '/ows?SERVICE=STREAM&CHUNKS=20&SIZE=1000&DELAY=20&TAG=shutdown')));
    await busy.waitRecord((x) => x.type === FCGI.STDOUT && x.id === 1 && x.content.length > 0);
    t.shutdown();
    assert.equal(await idle.waitClosed(2000), true, 'the idle connection was not closed');
    const res = await busy.response(1, 5000);
    assert.equal(res.body.length, 20 * 1000);
    assert.equal(await busy.waitClosed(2000), true, 'the busy connection was not closed after its request');
    await assert.rejects(FcgiConnection.connect(p, 1000));
  });
});

describe('FastCGI record writer (replaces fastcgi-stream writeRecord)', () => {
  /** A socket stand-in that keeps each write's buffer as given. */
  function sink() {
    const writes: Buffer[] = [];
    let corked = 0;
    const socket = {
      cork: () => void corked++,
      uncork: () => void corked--,
      write(chunk: Buffer, cb?: (err?: Error | null) => void) {
        writes.push(chunk);
        cb?.(null);
        return true;
      },
    } as unknown as net.Socket;
    return { socket, writes, corked: () => corked };
  }
  const STDOUT = 6;

  test('a STDOUT record: header, the body buffer itself (not a copy), zero padding to 8 bytes', () => {
    const { socket, writes, corked } = sink();
    const write = recordWriter(socket, STDOUT);
    for (const size of [1, 7, 8, 13, 65535]) {
      writes.length = 0;
      const body = pattern(0, size);
      let called = 0;
      write(300, { TYPE: STDOUT, data: body, getSize: () => body.length, write: () => assert.fail('the body is not copied') }, () => void called++);
      assert.equal(called, 1);
      assert.equal(corked(), 0, 'uncorked again');
      const all = Buffer.concat(writes);
      assert.equal(all.length % 8, 0, `record of ${size} bytes aligned to 8`);
      assert.ok(writes[1] === body, 'the body goes out as the same buffer');
      assert.deepEqual([...all.subarray(0, 8)], [1, STDOUT, 1, 44, size >> 8, size & 0xff, (8 - (size % 8)) % 8, 0]);
      assert.ok(all.subarray(8, 8 + size).equals(body));
      assert.ok(all.subarray(8 + size).every((b) => b === 0), 'padding is zeros');
    }
  });

  test('the transport makes its connections with this writer', async () => {
    const fromServer = createRequire(path.join(path.dirname(createRequire(import.meta.url).resolve('node-fastcgi/package.json')), 'lib', 'server.js'));
    createFastcgiTransport(new Server({ settings: loadSettings({}), logger: pino({ level: 'silent' }), loadPlugins: false }));
    const { FastCGIStream } = fromServer('fastcgi-stream') as { FastCGIStream: new (s: net.Socket) => { writeRecord: unknown } };
    const { socket, writes } = sink();
    Object.assign(socket, { on: () => socket });
    const made = new FastCGIStream(socket);
    (made.writeRecord as ReturnType<typeof recordWriter>)(2, { TYPE: STDOUT, data: Buffer.from('abc'), getSize: () => 3, write: () => assert.fail('copied') });
    assert.equal(Buffer.concat(writes).length, 16);
  });

  test('other records (END_REQUEST, an empty STDOUT) are one buffer, body written by the record', () => {
    const { socket, writes } = sink();
    const write = recordWriter(socket, STDOUT);
    write(1, { TYPE: 3, getSize: () => 8, write: (into: Buffer) => void into.fill(0xab) });
    write(1, { TYPE: STDOUT, data: '', getSize: () => 0, write: () => {} });
    assert.equal(writes.length, 2);
    assert.deepEqual([...writes[0]!], [1, 3, 0, 1, 0, 8, 0, 0, ...new Array(8).fill(0xab)]);
    assert.deepEqual([...writes[1]!], [1, STDOUT, 0, 1, 0, 0, 0, 0]);
  });
});
