import http from 'node:http';

/** A whole HTTP response. */
export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** What to send. */
export interface HttpOptions {
  port: number;
  path: string;
  method?: string;
  headers?: http.OutgoingHttpHeaders;
  body?: Buffer | string;
  agent?: http.Agent;
  /** Whole-request time limit (default 30 s). */
  timeoutMs?: number;
}

/**
 * One request to 127.0.0.1, bounded in time. `onChunk`, when given, receives the body as it comes
 * (and the result's body stays empty), for responses too large to keep.
 */
export function httpRequest(opts: HttpOptions, onChunk?: (chunk: Buffer) => void): Promise<HttpResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const body = opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body);
    const headers: http.OutgoingHttpHeaders = { ...opts.headers };
    if (body) headers['content-length'] = body.length;
    const req = http.request({ host: '127.0.0.1', port: opts.port, path: opts.path, method: opts.method ?? 'GET', headers, agent: opts.agent ?? false });
    const timer = setTimeout(() => req.destroy(new Error(`${opts.method ?? 'GET'} ${opts.path} took more than ${timeoutMs} ms`)), timeoutMs);
    req.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => (onChunk ? onChunk(c) : chunks.push(c)));
      res.once('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    req.end(body);
  });
}

/** GET a path and return status, headers and the body as text. */
export async function get(port: number, path: string, headers: http.OutgoingHttpHeaders = {}, agent?: http.Agent) {
  const r = await httpRequest({ port, path, headers, ...(agent ? { agent } : {}) });
  return { ...r, text: r.body.toString('utf8') };
}

/**
 * Starts a GET and reads until `bytes` bytes of body came, then destroys the connection (a client
 * that goes away mid-stream). Resolves with the status and how much it read.
 */
export function getThenDisconnect(port: number, path: string, bytes: number, timeoutMs = 30_000): Promise<{ status: number; read: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, agent: false });
    const timer = setTimeout(() => req.destroy(new Error(`no ${bytes} bytes from ${path} within ${timeoutMs} ms`)), timeoutMs);
    req.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.once('response', (res) => {
      let read = 0;
      res.on('data', (c: Buffer) => {
        read += c.length;
        if (read >= bytes) {
          clearTimeout(timer);
          req.removeAllListeners('error');
          req.on('error', () => {});
          res.destroy();
          req.destroy();
          resolve({ status: res.statusCode ?? 0, read });
        }
      });
      res.once('end', () => {
        clearTimeout(timer);
        reject(new Error(`${path} ended after ${read} bytes, before the client meant to leave`));
      });
    });
    req.end();
  });
}
