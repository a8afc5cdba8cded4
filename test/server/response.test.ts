import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ServerResponse, BufferResponse } from '../../src/server/response.js';
import { ClientDisconnectedError } from '../../src/errors/ogc-error.js';

/** A transport that records what it is asked to send, and whose sendChunk can be held back. */
class RecordingResponse extends ServerResponse {
  readonly events: Array<[string, unknown?, unknown?]> = [];
  gate: Promise<void> | null = null;
  protected sendHeaders(status: number, headers: Record<string, string>): void {
    this.events.push(['headers', status, { ...headers }]);
  }
  protected async sendChunk(chunk: Buffer): Promise<void> {
    this.events.push(['chunk', chunk.toString()]);
    if (this.gate) await this.gate;
  }
  protected async sendEnd(): Promise<void> {
    this.events.push(['end']);
  }
}

describe('ServerResponse: defaults', () => {
  it('starts as 200, no headers, no body, nothing sent', () => {
    const r = new BufferResponse();
    assert.equal(r.statusCode(), 200);
    assert.deepEqual(r.headers(), {});
    assert.equal(r.pendingBytes(), 0);
    assert.equal(r.data().length, 0);
    assert.equal(r.headersSent(), false);
    assert.equal(r.finished(), false);
    assert.equal(r.signal.aborted, false);
    assert.equal(r.body().length, 0);
    assert.equal(r.chunkCount(), 0);
  });
});

describe('ServerResponse: status code', () => {
  it('sets a valid status', () => {
    const r = new BufferResponse();
    for (const code of [100, 204, 404, 599]) {
      r.setStatusCode(code);
      assert.equal(r.statusCode(), code);
    }
  });
  it('refuses what is not an integer HTTP status, and keeps the status it had', () => {
    const r = new BufferResponse();
    r.setStatusCode(404);
    for (const code of [99, 600, 0, -200, 200.5, Number.NaN, Infinity]) {
      assert.throws(() => r.setStatusCode(code), RangeError, String(code));
    }
    assert.equal(r.statusCode(), 404);
  });
});

describe('ServerResponse: headers', () => {
  it('finds headers in any case and lists them with the name as set', () => {
    const r = new BufferResponse();
    r.setHeader('Content-Type', 'image/png');
    r.setHeader('X-Count', 3);
    assert.equal(r.header('content-type'), 'image/png');
    assert.equal(r.header('X-COUNT'), '3', 'numbers become strings');
    assert.deepEqual(r.headers(), { 'Content-Type': 'image/png', 'X-Count': '3' });
  });
  it('setting a header again replaces it, name spelling included', () => {
    const r = new BufferResponse();
    r.setHeader('Content-Type', 'a');
    r.setHeader('content-type', 'b');
    assert.deepEqual(r.headers(), { 'content-type': 'b' });
  });
  it('removeHeader ignores case', () => {
    const r = new BufferResponse();
    r.setHeader('Cache-Control', 'no-store');
    r.removeHeader('CACHE-CONTROL');
    assert.equal(r.header('cache-control'), undefined);
    assert.deepEqual(r.headers(), {});
  });
});

describe('ServerResponse: body buffer', () => {
  it('buffers strings (UTF-8), Buffers and Uint8Arrays without sending', () => {
    const r = new BufferResponse();
    r.write('é=');
    r.write(Buffer.from('buf'));
    r.write(new Uint8Array([0x21]));
    assert.equal(r.pendingBytes(), 7);
    assert.equal(r.data().toString(), 'é=buf!');
    assert.equal(r.body().length, 0, 'nothing reaches the transport before a flush');
    assert.equal(r.headersSent(), false);
  });
  it('data() can be read repeatedly', () => {
    const r = new BufferResponse();
    r.write('a');
    r.write('b');
    assert.equal(r.data().toString(), 'ab');
    r.write('c');
    assert.equal(r.data().toString(), 'abc');
    assert.equal(r.pendingBytes(), 3);
  });
  it('ignores empty writes', () => {
    const r = new BufferResponse();
    r.write('');
    r.write(new Uint8Array(0));
    assert.equal(r.pendingBytes(), 0);
  });
  it('clearBody drops the body and keeps status and headers', () => {
    const r = new BufferResponse();
    r.setStatusCode(201);
    r.setHeader('X-A', '1');
    r.write('partial');
    r.clearBody();
    assert.equal(r.pendingBytes(), 0);
    assert.equal(r.data().length, 0);
    assert.equal(r.statusCode(), 201);
    assert.equal(r.header('x-a'), '1');
  });
  it('clear starts over: 200, no headers, no body', () => {
    const r = new BufferResponse();
    r.setStatusCode(500);
    r.setHeader('Content-Type', 'text/plain');
    r.write('oops');
    r.clear();
    assert.equal(r.statusCode(), 200);
    assert.deepEqual(r.headers(), {});
    assert.equal(r.pendingBytes(), 0);
  });
  it('sendError replaces everything with a plain-text error', () => {
    const r = new BufferResponse();
    r.setHeader('Content-Type', 'image/png');
    r.setHeader('X-Other', 'x');
    r.write('half a png');
    r.sendError(503, 'busy');
    assert.equal(r.statusCode(), 503);
    assert.deepEqual(r.headers(), { 'Content-Type': 'text/plain; charset=utf-8' });
    assert.equal(r.data().toString(), 'busy');
  });
});

describe('ServerResponse: flush', () => {
  it('sends headers, then the buffered body as one chunk', async () => {
    const r = new RecordingResponse();
    r.setStatusCode(206);
    r.setHeader('Content-Type', 'text/plain');
    r.write('one ');
    r.write('two');
    await r.flush();
    assert.deepEqual(r.events, [['headers', 206, { 'Content-Type': 'text/plain' }], ['chunk', 'one two']]);
    assert.equal(r.headersSent(), true);
    assert.equal(r.pendingBytes(), 0);
    assert.equal(r.finished(), false);
  });
  it('sends headers once, and chunks as they come', async () => {
    const r = new BufferResponse();
    r.write('a');
    await r.flush();
    r.write('b');
    await r.flush();
    await r.flush();
    assert.equal(r.body().toString(), 'ab');
    assert.equal(r.chunkCount(), 2, 'an empty flush sends no chunk');
  });
  it('an empty first flush sends the headers only', async () => {
    const r = new RecordingResponse();
    await r.flush();
    assert.deepEqual(r.events, [['headers', 200, {}]]);
  });
  it('headers and status are frozen after the first flush', async () => {
    const r = new BufferResponse();
    r.setHeader('Content-Type', 'application/xml');
    r.setStatusCode(200);
    await r.flush();
    r.setHeader('Content-Type', 'text/html');
    r.setHeader('X-Late', '1');
    r.removeHeader('Content-Type');
    r.setStatusCode(500);
    assert.equal(r.statusCode(), 200);
    assert.deepEqual(r.headers(), { 'Content-Type': 'application/xml' });
    assert.equal(r.header('content-type'), 'application/xml');
    assert.equal(r.header('x-late'), undefined);
    assert.throws(() => r.setStatusCode(1000), RangeError, 'still validated');
  });
  it('clear after the first flush only drops the buffered body', async () => {
    const r = new BufferResponse();
    r.setStatusCode(202);
    r.setHeader('X-A', '1');
    await r.flush();
    r.write('pending');
    r.clear();
    assert.equal(r.pendingBytes(), 0);
    assert.equal(r.statusCode(), 202);
    assert.deepEqual(r.headers(), { 'X-A': '1' });
  });
  it('waits for the transport to take the chunk (backpressure)', async () => {
    const r = new RecordingResponse();
    let release!: () => void;
    r.gate = new Promise((res) => (release = res));
    r.write('big');
    let done = false;
    const p = r.flush().then(() => (done = true));
    await new Promise((res) => setImmediate(res));
    assert.equal(done, false, 'flush is still waiting');
    release();
    await p;
    assert.equal(done, true);
  });
});

describe('ServerResponse: flush hook', () => {
  it('runs before each flush', async () => {
    const r = new BufferResponse();
    let calls = 0;
    r.setFlushHook(async () => {
      calls++;
      return true;
    });
    r.write('a');
    await r.flush();
    r.write('b');
    await r.flush();
    assert.equal(calls, 2);
    assert.equal(r.body().toString(), 'ab');
  });
  it('sees the buffered chunk and may rewrite it before it is sent', async () => {
    const r = new BufferResponse();
    r.setFlushHook(async () => {
      const upper = r.data().toString().toUpperCase();
      r.clearBody();
      r.write(upper);
      return true;
    });
    r.write('chunk');
    await r.flush();
    assert.equal(r.body().toString(), 'CHUNK');
  });
  it('a veto keeps the data buffered and the headers unsent; a later flush sends it all at once', async () => {
    const r = new BufferResponse();
    let allow = false;
    r.setFlushHook(async () => allow);
    r.setHeader('Content-Type', 'text/plain');
    r.write('first,');
    await r.flush();
    assert.equal(r.headersSent(), false);
    assert.equal(r.body().length, 0);
    assert.equal(r.pendingBytes(), 6);
    r.setHeader('X-Still-Settable', 'yes');
    r.write('second');
    allow = true;
    await r.flush();
    assert.equal(r.body().toString(), 'first,second');
    assert.equal(r.chunkCount(), 1);
    assert.equal(r.headers()['X-Still-Settable'], 'yes');
  });
  it('can be removed', async () => {
    const r = new BufferResponse();
    r.setFlushHook(async () => false);
    r.setFlushHook(undefined);
    r.write('x');
    await r.flush();
    assert.equal(r.body().toString(), 'x');
  });
  it('finish sends what a vetoed flush left, without asking the hook again', async () => {
    const r = new BufferResponse();
    let calls = 0;
    r.setFlushHook(async () => {
      calls++;
      return false;
    });
    r.write('kept');
    await r.flush();
    await r.finish();
    assert.equal(calls, 1);
    assert.equal(r.body().toString(), 'kept');
    assert.equal(r.headers()['Content-Length'], '4', 'never flushed, so it gets a Content-Length');
  });
});

describe('ServerResponse: finish', () => {
  it('a response never flushed gets a Content-Length in bytes', async () => {
    const r = new RecordingResponse();
    r.setHeader('Content-Type', 'text/plain; charset=utf-8');
    r.write('héllo');
    await r.finish();
    assert.deepEqual(r.events, [
      ['headers', 200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': '6' }],
      ['chunk', 'héllo'],
      ['end'],
    ]);
    assert.equal(r.finished(), true);
  });
  it('an empty response gets Content-Length 0 and no chunk', async () => {
    const r = new RecordingResponse();
    r.setStatusCode(204);
    await r.finish();
    assert.deepEqual(r.events, [['headers', 204, { 'Content-Length': '0' }], ['end']]);
  });
  it('keeps a Content-Length that was set, in whatever case', async () => {
    const r = new BufferResponse();
    r.setHeader('content-length', '3');
    r.write('abc');
    await r.finish();
    assert.deepEqual(r.headers(), { 'content-length': '3' });
  });
  it('adds no Content-Length when Transfer-Encoding is set', async () => {
    const r = new BufferResponse();
    r.setHeader('Transfer-Encoding', 'chunked');
    r.write('abc');
    await r.finish();
    assert.equal(r.headers()['Content-Length'], undefined);
  });
  it('adds no Content-Length once a chunk was flushed (streaming)', async () => {
    const r = new BufferResponse();
    r.write('part1');
    await r.flush();
    r.write('part2');
    await r.finish();
    assert.equal(r.body().toString(), 'part1part2');
    assert.equal(r.header('content-length'), undefined);
    assert.deepEqual(r.headers(), {});
  });
  it('is idempotent: the end is sent once', async () => {
    const r = new RecordingResponse();
    r.write('x');
    await r.finish();
    await r.finish();
    assert.equal(r.events.filter(([e]) => e === 'end').length, 1);
  });
  it('writing after finish throws', async () => {
    const r = new BufferResponse();
    await r.finish();
    assert.throws(() => r.write('late'), /write after finish/);
  });
});

describe('ServerResponse: client disconnect', () => {
  it('abort() aborts the signal with a ClientDisconnectedError, once', () => {
    const r = new BufferResponse();
    let events = 0;
    r.signal.addEventListener('abort', () => events++);
    r.abort();
    r.abort();
    assert.equal(r.signal.aborted, true);
    assert.ok(r.signal.reason instanceof ClientDisconnectedError);
    assert.equal(events, 1);
  });
  it('write after abort throws ClientDisconnectedError', () => {
    const r = new BufferResponse();
    r.abort();
    assert.throws(() => r.write('x'), ClientDisconnectedError);
  });
  it('flush and finish after abort reject with ClientDisconnectedError and send nothing', async () => {
    const r = new RecordingResponse();
    r.write('pending');
    r.abort();
    await assert.rejects(r.flush(), ClientDisconnectedError);
    await assert.rejects(r.finish(), ClientDisconnectedError);
    assert.deepEqual(r.events, []);
    assert.equal(r.finished(), false);
  });
  it('abort between chunks stops the stream', async () => {
    const r = new BufferResponse();
    r.write('a');
    await r.flush();
    r.abort();
    assert.throws(() => r.write('b'), ClientDisconnectedError);
    assert.equal(r.body().toString(), 'a');
  });
});

describe('BufferResponse', () => {
  it('headers() are the sent headers once sent', async () => {
    const r = new BufferResponse();
    r.setHeader('A', '1');
    await r.flush();
    assert.deepEqual(r.headers(), { A: '1' });
  });
  it('body() collects every chunk', async () => {
    const r = new BufferResponse();
    for (const part of ['<a>', '<b/>', '</a>']) {
      r.write(part);
      await r.flush();
    }
    await r.finish();
    assert.equal(r.body().toString(), '<a><b/></a>');
    assert.equal(r.chunkCount(), 3);
  });
});
