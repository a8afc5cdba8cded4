import { createRequire } from 'node:module';
import path from 'node:path';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse as NodeResponse } from 'node:http';
import type { Server as NetServer, Socket } from 'node:net';
import type { Server } from '../server/server.js';
import { serveNodeRequest } from './node-http.js';

/** A node-fastcgi request: an http.IncomingMessage with the CGI variables of the web server. */
interface FcgiIncoming extends IncomingMessage {
  cgiParams: Record<string, string>;
}

/** The node-fastcgi per-request stream (req.socket): a Duplex over one FastCGI request id on a connection. */
interface FcgiRequestStream extends Socket {
  _conn: Socket;
}

/** A node-fastcgi response: an http.ServerResponse whose status line becomes a CGI `Status:` header. */
interface FcgiResponse extends NodeResponse {
  _header: string | null;
  _storeHeader(statusLine: string, headers: unknown): void;
}

/** The node-fastcgi server: a net.Server emitting 'request' per FastCGI RESPONDER request. */
export interface FastcgiServer extends NetServer {
  /** Inactivity timeout per connection (ms, 0 = none). */
  timeout: number;
}

interface NodeFastcgi {
  createServer(responder: (req: FcgiIncoming, res: FcgiResponse) => void, authorizer?: unknown, filter?: unknown,
    config?: { multiplex?: boolean; maxConns?: number; maxReqs?: number }): FastcgiServer;
}

/** A fastcgi-stream record: its body's size, and a writer of the body into a buffer. */
interface FcgiRecord {
  TYPE: number;
  data?: unknown;
  getSize(): number;
  write(into: Buffer): void;
}

type WriteRecord = (requestId: number, record: FcgiRecord, callback?: (err?: Error | null) => void) => boolean;
type FastcgiStreamClass = (new (socket: Socket) => { writeRecord: WriteRecord }) & { __owsPatched?: boolean };

interface FastcgiStreamModule {
  records: { BeginRequest: { flags: Record<string, number> }; StdOut: { TYPE: number } };
  FastCGIStream: FastcgiStreamClass;
}

type StreamMethod = (this: object, ...args: unknown[]) => unknown;

interface StreamsModule {
  OutputStream: (new (...args: unknown[]) => object) & { prototype: { _write: StreamMethod; _destroy: StreamMethod; __owsPatched?: boolean } };
}

let fcgiModule: NodeFastcgi | undefined;

/**
 * Loads node-fastcgi 2.0.0 with two bugs fixed, on the module instances it uses itself:
 * - lib/server.js tests `BeginRequest.flags.KEEP_CONN`, but fastcgi-stream spells the flag
 *   `KEEPCONN`: it always reads 0 and every connection is closed after its first response although
 *   nginx (`fastcgi_keep_conn on`) asked to keep it; nginx then fails requests it sent on such a
 *   connection (502s, lost POSTs under load).
 * - each request's FCGI_STDERR stream (never written to: logs go to the process's stderr) is closed
 *   when the request stream closes, which is after END_REQUEST: an empty STDERR record then follows
 *   END_REQUEST, a protocol error that makes nginx drop the kept connection every time. A stderr
 *   stream that carried nothing is now left without a closing record.
 * And one cost removed: fastcgi-stream's writeRecord made each record with the deprecated `new Buffer()` (its
 * deprecation check, a zero fill) and copied the body into it: a STDOUT record now goes out as its 8-byte
 * header, the body buffer itself and its padding, in one corked write (recordWriter).
 */
function nodeFastcgi(): NodeFastcgi {
  if (fcgiModule) return fcgiModule;
  const localRequire = createRequire(import.meta.url);
  const serverJs = path.join(path.dirname(localRequire.resolve('node-fastcgi/package.json')), 'lib', 'server.js');
  const fromServer = createRequire(serverJs);
  const stream = fromServer('fastcgi-stream') as FastcgiStreamModule;
  const flags = stream.records.BeginRequest.flags;
  if (flags['KEEP_CONN'] === undefined) flags['KEEP_CONN'] = flags['KEEPCONN'] ?? 1;
  // server.js makes each connection's stream with `new fcgi.FastCGIStream(socket)`, read at connection time.
  const Original = stream.FastCGIStream;
  if (!Original.__owsPatched) {
    const Patched = function (this: { writeRecord: WriteRecord }, socket: Socket) {
      Original.call(this, socket);
      this.writeRecord = recordWriter(socket, stream.records.StdOut.TYPE);
    } as unknown as FastcgiStreamClass;
    Patched.prototype = Original.prototype;
    Patched.__owsPatched = true;
    stream.FastCGIStream = Patched;
  }

  const { OutputStream } = fromServer('./streams.js') as StreamsModule;
  const proto = OutputStream.prototype;
  if (!proto.__owsPatched) {
    const write = proto._write;
    const destroy = proto._destroy;
    proto._write = function (this: object, ...args: unknown[]) {
      Object.assign(this, { __owsWrote: true });
      return write.apply(this, args);
    };
    // The stdout stream (IOStream) borrows this _destroy too: only true OutputStreams (stderr) change.
    proto._destroy = function (this: object, ...args: unknown[]) {
      if (this instanceof OutputStream && !(this as { __owsWrote?: boolean }).__owsWrote) Object.assign(this, { _finalized: true });
      return destroy.apply(this, args);
    };
    proto.__owsPatched = true;
  }

  fcgiModule = localRequire('node-fastcgi') as NodeFastcgi;
  return fcgiModule;
}

const PADDING = Buffer.alloc(8);

/**
 * fastcgi-stream's writeRecord without its copy: the 8-byte header (version 1, type, request id, body length,
 * padding length), the body, and padding to a multiple of 8 bytes (FastCGI 1.0, 3.3). A STDOUT record's body
 * buffer is written as it is (the response stream keeps it until this write's callback, as Node's http does);
 * other records are rare and small, made in one buffer.
 */
export function recordWriter(socket: Socket, stdoutType: number): WriteRecord {
  return (requestId, record, callback) => {
    const length = record.getSize();
    const padding = (8 - (length & 7)) & 7;
    const direct = record.TYPE === stdoutType && Buffer.isBuffer(record.data) && length > 0;
    const out = Buffer.allocUnsafe(direct ? 8 : 8 + length + padding);
    out[0] = 1;
    out[1] = record.TYPE;
    out.writeUInt16BE(requestId, 2);
    out.writeUInt16BE(length, 4);
    out[6] = padding;
    out[7] = 0;
    if (!direct) {
      if (length > 0) record.write(out.subarray(8, 8 + length));
      out.fill(0, 8 + length);
      return socket.write(out, callback);
    }
    socket.cork();
    socket.write(out);
    let ok: boolean;
    if (padding === 0) ok = socket.write(record.data as Buffer, callback);
    else {
      socket.write(record.data as Buffer);
      ok = socket.write(PADDING.subarray(0, padding), callback);
    }
    socket.uncork();
    return ok;
  };
}

/** Hop-by-hop headers have no meaning in a CGI response: the web server owns the client connection. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

function withoutHopByHop(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name.toLowerCase())) kept[name] = value;
  return kept;
}

/**
 * Makes the node-fastcgi response write a plain CGI response: `Status:` line, the service's headers and
 * the raw body. Node's http.ServerResponse would add `Connection: keep-alive|close` (node-fastcgi sets
 * shouldKeepAlive from HTTP_CONNECTION) and a `Date`; a service's own Transfer-Encoding would make
 * Node chunk-encode the body, which the web server would pass on as data.
 */
function cgiResponse(res: FcgiResponse): void {
  res.sendDate = false;
  const writeHead = res.writeHead as (...args: unknown[]) => FcgiResponse;
  res.writeHead = function (this: FcgiResponse, ...args: unknown[]) {
    const cleaned = args.map((a) => (a && typeof a === 'object' && !Array.isArray(a) ? withoutHopByHop(a as OutgoingHttpHeaders) : a));
    return writeHead.apply(this, cleaned);
  } as unknown as FcgiResponse['writeHead'];
  const storeHeader = res._storeHeader;
  res._storeHeader = function (this: FcgiResponse, statusLine: string, headers: unknown) {
    storeHeader.call(this, statusLine, headers);
    if (this._header) this._header = this._header.replace(/^(connection|keep-alive):[^\r\n]*\r\n/gim, '');
  };
}

/** The request's absolute URL comes from REQUEST_URI and the Host header: fill Host from SERVER_NAME when the client sent none. */
function fillHost(req: FcgiIncoming): void {
  if (req.headers.host) return;
  const p = req.cgiParams;
  const name = p['SERVER_NAME'];
  if (!name) return;
  const port = p['SERVER_PORT'];
  const secure = p['HTTPS'] === 'on';
  const standard = !port || port === (secure ? '443' : '80');
  const host = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
  req.headers.host = standard ? host : `${host}:${port}`;
}

/**
 * The web server gave up on a request (FCGI_ABORT_REQUEST, or it closed the connection): stop reading
 * the body and tell the ServerResponse, through the response's 'close', so a streaming service stops.
 * When the connection itself is gone node-fastcgi never finishes destroying the request stream (its
 * END_REQUEST cannot be written), so that 'close' is emitted here.
 */
function abortRequest(req: FcgiIncoming, res: FcgiResponse, conn: Socket): void {
  const connectionLost = conn.destroyed || !conn.writable;
  if (!res.destroyed) res.destroy();
  if (!req.destroyed) req.destroy();
  if (connectionLost && !res.writableFinished) res.emit('close');
}

/** How a FastCGI worker is set up. */
export interface FastcgiTransportOptions {
  /**
   * Inactivity timeout of a FastCGI connection in ms (default 0: none). node-fastcgi's own default of
   * two minutes would cut a long, quiet request; the web server has its own timeouts.
   */
  timeout?: number;
}

/** A FastCGI transport: the server to listen with, and how to stop it gracefully. */
export interface FastcgiTransport {
  /** The node-fastcgi server (a net.Server): listen on a path, a port or `{ fd }`. */
  readonly server: FastcgiServer;
  /** FastCGI requests not finished yet (counted until their END_REQUEST is written). */
  active(): number;
  /**
   * Stops accepting connections, closes idle ones and closes the others once their requests are done
   * (FCGI_KEEP_CONN is no longer honoured). Requests in flight finish normally.
   */
  shutdown(): void;
}

/**
 * Creates a FastCGI RESPONDER server that serves each request with `serveNodeRequest`: the URL from
 * REQUEST_URI and Host (HTTPS=on makes it https), the body from STDIN, the answer as a CGI response
 * on STDOUT with backpressure. When the web server aborts a request (FCGI_ABORT_REQUEST, or it closes
 * the connection) the ServerResponse is aborted, so a streaming service stops, and the worker lives on.
 */
export function createFastcgiTransport(server: Server, options: FastcgiTransportOptions = {}): FastcgiTransport {
  const fcgi = nodeFastcgi();
  const perConnection = new Map<Socket, number>();
  let stopping = false;
  let active = 0;

  const fcgiServer = fcgi.createServer((req, res) => {
    const stream = req.socket as FcgiRequestStream;
    const conn = stream._conn;
    active++;
    perConnection.set(conn, (perConnection.get(conn) ?? 0) + 1);
    let done = false;
    const finished = () => {
      if (done) return;
      done = true;
      active--;
      conn.off('close', finished);
      const count = perConnection.get(conn);
      if (count === undefined) return; // the connection is gone already
      perConnection.set(conn, count - 1);
      if (stopping && count === 1 && !conn.destroyed) conn.end();
    };
    // 'close' on the request stream comes after its END_REQUEST is written; a lost connection never gets there.
    stream.once('close', finished);
    conn.once('close', finished);
    stream.on('error', (err: Error) => server.log.debug({ err: err.message }, 'FastCGI request stream error'));
    res.on('error', (err: Error) => server.log.debug({ err: err.message }, 'FastCGI response error'));
    req.once('aborted', () => abortRequest(req, res, conn));
    cgiResponse(res);
    fillHost(req);
    void serveNodeRequest(server, req, res, req.cgiParams['HTTPS']?.toLowerCase() === 'on');
  }, undefined, undefined, { multiplex: true });
  fcgiServer.timeout = options.timeout ?? 0;

  fcgiServer.on('connection', (socket: Socket) => {
    server.log.debug('FastCGI connection accepted');
    perConnection.set(socket, 0);
    socket.once('close', () => perConnection.delete(socket));
    // A record node-fastcgi cannot parse (an unknown type, a stray client) throws inside its 'data'
    // listener: that would be an uncaught exception. Only that connection is dropped.
    for (const listener of socket.listeners('data') as Array<(chunk: Buffer) => void>) {
      socket.removeListener('data', listener);
      socket.on('data', (chunk: Buffer) => {
        try {
          listener(chunk);
        } catch (err) {
          server.log.warn({ err: (err as Error).message }, 'FastCGI protocol error: connection dropped');
          socket.destroy();
        }
      });
    }
    if (stopping) socket.end();
  });
  // Mostly STDIN records still coming for a request answered early (e.g. 413): ignored, as FastCGI allows.
  fcgiServer.on('protocolError', (err: Error) => server.log.debug({ err: err.message }, 'FastCGI record ignored'));
  fcgiServer.on('clientError', (err: Error, socket: Socket) => {
    server.log.debug({ err: err.message }, 'FastCGI connection error');
    socket.destroy();
  });

  return {
    server: fcgiServer,
    active: () => active,
    shutdown() {
      if (stopping) return;
      stopping = true;
      fcgiServer.close();
      for (const [conn, count] of perConnection) if (count === 0 && !conn.destroyed) conn.end();
    },
  };
}
