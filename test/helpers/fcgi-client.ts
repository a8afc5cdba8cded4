import net from 'node:net';
import { EventEmitter, once } from 'node:events';

/** FastCGI record types (FastCGI 1.0 specification, section 8). */
export const FCGI = {
  BEGIN_REQUEST: 1,
  ABORT_REQUEST: 2,
  END_REQUEST: 3,
  PARAMS: 4,
  STDIN: 5,
  STDOUT: 6,
  STDERR: 7,
  DATA: 8,
  GET_VALUES: 9,
  GET_VALUES_RESULT: 10,
  UNKNOWN_TYPE: 11,
  RESPONDER: 1,
  KEEP_CONN: 1,
} as const;

/** One record as read from the wire. */
export interface FcgiRecord {
  type: number;
  id: number;
  content: Buffer;
}

/** Encodes one record (content up to 65535 bytes), padded to 8 bytes. */
export function record(type: number, id: number, content: Buffer = Buffer.alloc(0)): Buffer {
  if (content.length > 0xffff) throw new RangeError('record content too long');
  const pad = (8 - (content.length % 8)) % 8;
  const header = Buffer.alloc(8);
  header[0] = 1;
  header[1] = type;
  header.writeUInt16BE(id, 2);
  header.writeUInt16BE(content.length, 4);
  header[6] = pad;
  return Buffer.concat([header, content, Buffer.alloc(pad)]);
}

/** Encodes a stream (STDIN, PARAMS...) as records of at most 65535 bytes, then the empty closing record. */
export function streamRecords(type: number, id: number, data: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < data.length; at += 0xffff) parts.push(record(type, id, data.subarray(at, at + 0xffff)));
  parts.push(record(type, id));
  return Buffer.concat(parts);
}

function nvLength(n: number): Buffer {
  if (n < 128) return Buffer.from([n]);
  const b = Buffer.alloc(4);
  b.writeUInt32BE((n | 0x80000000) >>> 0);
  return b;
}

/** Encodes name-value pairs (PARAMS, GET_VALUES). */
export function nameValues(pairs: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(pairs)) {
    const kb = Buffer.from(k);
    const vb = Buffer.from(v);
    parts.push(nvLength(kb.length), nvLength(vb.length), kb, vb);
  }
  return Buffer.concat(parts);
}

/** Decodes name-value pairs. */
export function parseNameValues(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  const len = () => {
    const first = buf[at]!;
    if (first < 128) {
      at += 1;
      return first;
    }
    const n = buf.readUInt32BE(at) & 0x7fffffff;
    at += 4;
    return n;
  };
  while (at < buf.length) {
    const kl = len();
    const vl = len();
    const k = buf.toString('utf8', at, at + kl);
    at += kl;
    out[k] = buf.toString('utf8', at, at + vl);
    at += vl;
  }
  return out;
}

/** BEGIN_REQUEST for a RESPONDER, with or without FCGI_KEEP_CONN. */
export function beginRequest(id: number, keepConn: boolean): Buffer {
  return record(FCGI.BEGIN_REQUEST, id, Buffer.from([0, FCGI.RESPONDER, keepConn ? FCGI.KEEP_CONN : 0, 0, 0, 0, 0, 0]));
}

/** The CGI variables a web server sends for a request, as nginx's fastcgi_params would. */
export function cgiParams(method: string, uri: string, extra: Record<string, string> = {}): Record<string, string> {
  const q = uri.indexOf('?');
  return {
    GATEWAY_INTERFACE: 'CGI/1.1',
    REQUEST_METHOD: method,
    REQUEST_URI: uri,
    SCRIPT_NAME: q < 0 ? uri : uri.slice(0, q),
    QUERY_STRING: q < 0 ? '' : uri.slice(q + 1),
    SERVER_PROTOCOL: 'HTTP/1.1',
    SERVER_NAME: 'localhost',
    SERVER_PORT: '80',
    REMOTE_ADDR: '127.0.0.1',
    HTTP_HOST: 'ows.example.org',
    HTTP_CONNECTION: 'keep-alive',
    ...extra,
  };
}

/** All the records of one request: BEGIN_REQUEST, PARAMS, STDIN (with the body). */
export function requestRecords(id: number, params: Record<string, string>, body: Buffer = Buffer.alloc(0), keepConn = true): Buffer {
  const p = { ...params };
  if (body.length > 0 && p['CONTENT_LENGTH'] === undefined) p['CONTENT_LENGTH'] = String(body.length);
  return Buffer.concat([beginRequest(id, keepConn), streamRecords(FCGI.PARAMS, id, nameValues(p)), streamRecords(FCGI.STDIN, id, body)]);
}

/** A CGI response read from STDOUT. */
export interface CgiResponse {
  status: number;
  /** Header names lower-cased; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** The header block as sent, one line per header. */
  headerLines: string[];
  body: Buffer;
  stderr: string;
  appStatus: number;
  protocolStatus: number;
}

/** Splits a CGI response into status, headers and body. */
export function parseCgi(stdout: Buffer): Omit<CgiResponse, 'stderr' | 'appStatus' | 'protocolStatus'> {
  const end = stdout.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no CGI header block in ${JSON.stringify(stdout.subarray(0, 200).toString('latin1'))}`);
  const headerLines = stdout.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const status = headers['status'] ? Number.parseInt(headers['status'], 10) : 200;
  return { status, headers, headerLines, body: stdout.subarray(end + 4) };
}

/**
 * A raw FastCGI connection, as a web server would hold it: records are parsed as they come, and
 * each request's STDOUT, STDERR and END_REQUEST are collected by id.
 */
export class FcgiConnection extends EventEmitter {
  readonly socket: net.Socket;
  readonly records: FcgiRecord[] = [];
  #buffer = Buffer.alloc(0);
  #closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(socket: net.Socket) {
    super();
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => {});
    this.closedPromise = new Promise((resolve) => {
      socket.once('close', () => {
        this.#closed = true;
        this.emit('closed');
        resolve();
      });
    });
  }

  /** Connects to a unix socket path or a TCP port on 127.0.0.1. */
  static async connect(target: string | number, timeoutMs = 5000): Promise<FcgiConnection> {
    const socket = typeof target === 'number' ? net.connect(target, '127.0.0.1') : net.connect(target);
    const timer = setTimeout(() => socket.destroy(new Error(`connect to ${target} timed out`)), timeoutMs);
    try {
      await once(socket, 'connect');
    } finally {
      clearTimeout(timer);
    }
    return new FcgiConnection(socket);
  }

  /** Whether the worker (or we) closed the connection. */
  get closed(): boolean {
    return this.#closed;
  }

  #onData(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    while (this.#buffer.length >= 8) {
      const len = this.#buffer.readUInt16BE(4);
      const pad = this.#buffer[6]!;
      if (this.#buffer.length < 8 + len + pad) break;
      const rec: FcgiRecord = { type: this.#buffer[1]!, id: this.#buffer.readUInt16BE(2), content: Buffer.from(this.#buffer.subarray(8, 8 + len)) };
      this.#buffer = this.#buffer.subarray(8 + len + pad);
      this.records.push(rec);
      this.emit('record', rec);
    }
  }

  send(data: Buffer): void {
    this.socket.write(data);
  }

  /** Resolves with the first record (past or future) that matches; rejects on timeout or close. */
  waitRecord(match: (r: FcgiRecord) => boolean, timeoutMs = 10_000): Promise<FcgiRecord> {
    const seen = this.records.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const onRecord = (r: FcgiRecord) => {
        if (!match(r)) return;
        cleanup();
        resolve(r);
      };
      const onClosed = () => {
        cleanup();
        reject(new Error('connection closed before the record came'));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching record within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('record', onRecord);
        this.off('closed', onClosed);
      };
      this.on('record', onRecord);
      if (this.#closed) onClosed();
      else this.on('closed', onClosed);
    });
  }

  /** Waits for the END_REQUEST of a request and returns its parsed response. */
  async response(id: number, timeoutMs = 10_000): Promise<CgiResponse> {
    const end = await this.waitRecord((r) => r.type === FCGI.END_REQUEST && r.id === id, timeoutMs);
    const mine = this.records.filter((r) => r.id === id);
    const stdout = Buffer.concat(mine.filter((r) => r.type === FCGI.STDOUT).map((r) => r.content));
    const stderr = Buffer.concat(mine.filter((r) => r.type === FCGI.STDERR).map((r) => r.content)).toString('utf8');
    return { ...parseCgi(stdout), stderr, appStatus: end.content.readUInt32BE(0), protocolStatus: end.content[4]! };
  }

  /** Sends one request and waits for its response. */
  async request(id: number, params: Record<string, string>, body?: Buffer, keepConn = true, timeoutMs = 10_000): Promise<CgiResponse> {
    this.send(requestRecords(id, params, body, keepConn));
    return this.response(id, timeoutMs);
  }

  /** Forgets the records of a request id, so that the id can be used again. */
  forget(id: number): void {
    for (let i = this.records.length - 1; i >= 0; i--) if (this.records[i]!.id === id) this.records.splice(i, 1);
  }

  /** Waits until the peer closes the connection; false if it is still open after the timeout. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    if (this.#closed) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const r = await Promise.race([this.closedPromise.then(() => true as const), timedOut]);
    clearTimeout(timer);
    return r;
  }

  close(): void {
    this.socket.destroy();
  }
}
