import { ClientDisconnectedError } from '../errors/ogc-error.js';

/** Called before each flush of a streaming response; returning false keeps the data buffered (QGIS onSendResponse). */
export type FlushHook = () => Promise<boolean>;

/**
 * The response a service writes (QgsServerResponse): status, headers and a body buffer that
 * `flush()` sends to the transport. Until the first flush, headers may change and `clear()` starts over.
 * Transports subclass it and implement `sendHeaders`, `sendChunk` (honouring backpressure) and `sendEnd`.
 */
export abstract class ServerResponse {
  #status = 200;
  #headers = new Map<string, [string, string]>();
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #headersSent = false;
  #finished = false;
  #flushHook: FlushHook | undefined;
  readonly #abort = new AbortController();

  /** Aborted when the client disconnects: long-running services should stop reading data. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }
  /** Marks the client as gone (called by transports). */
  abort(): void {
    if (!this.#abort.signal.aborted) this.#abort.abort(new ClientDisconnectedError());
  }

  setStatusCode(code: number): void {
    if (!Number.isInteger(code) || code < 100 || code > 599) throw new RangeError(`invalid HTTP status ${code}`);
    if (this.#headersSent) return;
    this.#status = code;
  }
  statusCode(): number {
    return this.#status;
  }
  setHeader(name: string, value: string | number): void {
    if (this.#headersSent) return;
    this.#headers.set(name.toLowerCase(), [name, String(value)]);
  }
  removeHeader(name: string): void {
    if (!this.#headersSent) this.#headers.delete(name.toLowerCase());
  }
  header(name: string): string | undefined {
    return this.#headers.get(name.toLowerCase())?.[1];
  }
  /** The response headers, with their names as set. */
  headers(): Record<string, string> {
    return Object.fromEntries([...this.#headers.values()]);
  }
  headersSent(): boolean {
    return this.#headersSent;
  }
  finished(): boolean {
    return this.#finished;
  }

  /** Appends to the body buffer. */
  write(data: string | Uint8Array): void {
    if (this.#abort.signal.aborted) throw new ClientDisconnectedError();
    if (this.#finished) throw new Error('write after finish');
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (buf.length === 0) return;
    this.#pending.push(buf);
    this.#pendingBytes += buf.length;
  }
  /** The body buffered and not flushed yet. */
  data(): Buffer {
    if (this.#pending.length > 1) this.#pending = [Buffer.concat(this.#pending)];
    return this.#pending[0] ?? Buffer.alloc(0);
  }
  /** Bytes buffered and not flushed yet. */
  pendingBytes(): number {
    return this.#pendingBytes;
  }
  /** Drops the buffered body. */
  clearBody(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
  }
  /** Starts the response over: status 200, no headers, no body. Only the body can be cleared once headers are sent. */
  clear(): void {
    this.clearBody();
    if (this.#headersSent) return;
    this.#headers.clear();
    this.#status = 200;
  }
  /** Writes a plain-text error (QgsServerResponse.sendError). */
  sendError(code: number, message: string): void {
    this.clear();
    this.setStatusCode(code);
    this.setHeader('Content-Type', 'text/plain; charset=utf-8');
    this.write(message);
  }

  /** Installs the hook the server runs before each flush (the sendResponse filters). */
  setFlushHook(hook: FlushHook | undefined): void {
    this.#flushHook = hook;
  }

  /** Sends what is buffered (headers first) after the sendResponse filters; resolves when the transport can take more. */
  async flush(): Promise<void> {
    if (this.#flushHook && !(await this.#flushHook())) return;
    await this.flushNow();
  }

  /** Sends what is buffered without running the flush hook. */
  protected async flushNow(): Promise<void> {
    if (this.#abort.signal.aborted) throw new ClientDisconnectedError();
    if (!this.#headersSent) {
      this.#headersSent = true;
      this.sendHeaders(this.#status, this.headers());
    }
    if (this.#pendingBytes === 0) return;
    const chunk = this.data();
    this.clearBody();
    await this.sendChunk(chunk);
  }

  /** Ends the response: a response never flushed gets a Content-Length. */
  async finish(): Promise<void> {
    if (this.#finished) return;
    if (!this.#headersSent && !this.#headers.has('content-length') && !this.#headers.has('transfer-encoding')) {
      this.setHeader('Content-Length', this.#pendingBytes);
    }
    await this.flushNow();
    this.#finished = true;
    await this.sendEnd();
  }

  protected abstract sendHeaders(status: number, headers: Record<string, string>): void;
  protected abstract sendChunk(chunk: Buffer): Promise<void>;
  protected abstract sendEnd(): Promise<void>;
}

/** A response kept in memory, for embedding and tests (QgsBufferServerResponse). */
export class BufferResponse extends ServerResponse {
  #sent: Buffer[] = [];
  #sentHeaders: Record<string, string> | undefined;
  #chunks = 0;

  /** The body sent so far. */
  body(): Buffer {
    return Buffer.concat(this.#sent);
  }
  /** The headers as sent (or as set, before the first flush). */
  override headers(): Record<string, string> {
    return this.#sentHeaders ?? super.headers();
  }
  /** How many non-empty chunks were flushed. */
  chunkCount(): number {
    return this.#chunks;
  }
  protected sendHeaders(_status: number, headers: Record<string, string>): void {
    this.#sentHeaders = headers;
  }
  protected async sendChunk(chunk: Buffer): Promise<void> {
    this.#chunks++;
    this.#sent.push(chunk);
  }
  protected async sendEnd(): Promise<void> {}
}
