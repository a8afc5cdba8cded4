import type { IncomingMessage, ServerResponse as NodeResponse } from 'node:http';
import { ServerRequest } from '../server/request.js';
import { ServerResponse } from '../server/response.js';
import { OgcError } from '../errors/ogc-error.js';
import { renderException } from '../errors/render.js';
import type { Server } from '../server/server.js';

/** A ServerResponse that writes to a Node http.ServerResponse (the dev server, and node-fastcgi's responses). */
export class NodeHttpResponse extends ServerResponse {
  readonly #res: NodeResponse;
  readonly #isHead: boolean;

  constructor(res: NodeResponse, method = 'GET') {
    super();
    this.#res = res;
    this.#isHead = method === 'HEAD';
    res.on('close', () => {
      if (!res.writableFinished) this.abort();
    });
  }
  protected sendHeaders(status: number, headers: Record<string, string>): void {
    this.#res.writeHead(status, headers);
  }
  protected async sendChunk(chunk: Buffer): Promise<void> {
    if (this.#isHead) return;
    if (this.#res.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.#res.off('drain', done);
        this.#res.off('close', done);
        resolve();
      };
      this.#res.on('drain', done);
      this.#res.on('close', done);
    });
    if (this.signal.aborted) throw this.signal.reason;
  }
  protected async sendEnd(): Promise<void> {
    if (this.#res.writableEnded) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.#res.off('close', done);
        resolve();
      };
      this.#res.once('close', done); // a socket that dies at the very end must not leave the request hanging
      this.#res.end(done);
    });
  }
}

/** Reads a request body up to a limit; rejects with PayloadTooLarge (413) past it. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new OgcError('PayloadTooLarge', `Request body of ${declared} bytes exceeds the limit of ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new OgcError('PayloadTooLarge', `Request body exceeds the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The absolute URL of a request as it reached us: scheme from the connection, host from Host (forwarding headers are serviceUrl's business). */
export function requestUrl(req: IncomingMessage, secure: boolean): string {
  const host = headerValue(req, 'host')?.trim();
  const safeHost = host && /^[\w.\-:[\]]+$/.test(host) ? host : 'localhost';
  return `${secure ? 'https' : 'http'}://${safeHost}${req.url ?? '/'}`;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Serves one Node-style request/response pair with the server: reads the body (with the size limit),
 * builds the ServerRequest, and writes the answer with backpressure. Never throws.
 */
export async function serveNodeRequest(server: Server, req: IncomingMessage, res: NodeResponse, secure = false): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const response = new NodeHttpResponse(res, method);
  let body: Buffer;
  try {
    body = await readBody(req, server.settings.maxBodySize);
  } catch (err) {
    const ex = err instanceof OgcError ? err : new OgcError('OperationParsingFailed', 'The request body could not be read');
    if (!(err instanceof OgcError)) server.log.warn({ err }, 'request body could not be read');
    const { contentType, body: text } = renderException(ex, 'ows-2.0');
    if (!res.headersSent && !res.destroyed) {
      res.writeHead(ex.status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), Connection: 'close' });
      res.end(text);
    }
    return;
  }
  const request = new ServerRequest(requestUrl(req, secure), method, req.headers, body);
  await server.handleRequest(request, response);
  if (response.signal.aborted && !res.destroyed) res.destroy();
}
