import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHttpServer } from '../../src/transports/http.js';
import type { Server } from '../../src/server/server.js';
import type { RequestHandler } from '../../src/server/request-handler.js';
import { ROOT } from '../support/server.js';
import { PROJECT, wmsServer } from '../services/wms/support.js';

/** The folder of the client scripts (they stay in test/clients; only the .ts files are compiled). */
export const CLIENTS = path.join(ROOT, 'test/clients');

/** What the server saw of one request: method, query parameters (upper-case keys), headers, POST body. */
export interface SeenRequest {
  method: string;
  params: Record<string, string>;
  userAgent: string;
  /** The request body as text ('' for a GET). */
  body: string;
}

/** An HTTP server on a free loopback port in front of a test server, with a log of the requests it got. */
export interface HttpWms {
  /** http://127.0.0.1:PORT/ */
  url: string;
  server: Server;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** A test server with its interface (what wmsServer / wfsServer / editServer return). */
type TestServer = Pick<ReturnType<typeof wmsServer>, 'server' | 'iface'>;

/** Serves a test server over HTTP (port 0 on 127.0.0.1); a ServerFilter logs each request. */
export async function serveOverHttp({ server, iface }: TestServer): Promise<HttpWms> {
  const seen: SeenRequest[] = [];
  iface.registerFilter({
    requestReady: (handler: RequestHandler) => {
      const params: Record<string, string> = {};
      for (const [k, v] of new URL(handler.url()).searchParams) params[k.toUpperCase()] = v;
      seen.push({ method: handler.method(), params, userAgent: handler.requestHeader('user-agent') ?? '', body: handler.data().toString('utf8') });
    },
  });
  const http = createHttpServer(server);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', resolve);
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    server,
    seen,
    close: () => new Promise<void>((resolve) => {
      http.closeAllConnections();
      http.close(() => resolve());
    }),
  };
}

/** Starts the test project's services (WMS, WFS, …) over HTTP. */
export function startHttpWms(): Promise<HttpWms> {
  return serveOverHttp(wmsServer());
}

/** The Python that has Debian's python3-owslib and python3-gdal. */
export const PYTHON = '/usr/bin/python3';

/**
 * A runner for an OWSLib script of test/clients that prints one JSON object (or {"error", "type", "trace"} when
 * OWSLib raised): resolves to the object; a failure shows OWSLib's own exception text.
 */
export function owslibScript(script: string, timeoutMs = 25_000): (...args: string[]) => Promise<any> {
  const file = path.join(CLIENTS, script);
  return async (...args: string[]) => {
    const r = await run(PYTHON, [file, ...args], { timeoutMs });
    let out: any;
    try {
      out = JSON.parse(r.stdout);
    } catch {
      assert.fail(`${script} ${args[0]} exited ${r.code} without JSON:\n${r.stdout}\n${r.stderr}`);
    }
    if (out?.error !== undefined) assert.fail(`OWSLib raised ${out.type}: ${out.error}\n${out.trace}`);
    assert.equal(r.code, 0, r.stderr);
    return out;
  };
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** Kills the client processes still running (for after()). */
export function killClients(): void {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
}

/** The environment of a client: no proxy for loopback, no GDAL cache, C locale. */
export function clientEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', LC_ALL: 'C.UTF-8', ...extra };
  for (const k of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY']) delete env[k];
  return env;
}

/** Output of a client run. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a client program without blocking the event loop (the server answering it lives in this
 * process); it is killed after `timeoutMs`. Never rejects: the caller asserts on code and output.
 */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(command, args, {
      cwd: options.cwd, env: options.env ?? clientEnv(), timeout: options.timeoutMs ?? 20_000, killSignal: 'SIGKILL',
      maxBuffer: 16 * 1024 * 1024, encoding: 'utf8',
    }, (err, stdout, stderr) => {
      children.delete(child);
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      const killed = err && (err as { killed?: boolean }).killed ? `\n[killed after ${options.timeoutMs ?? 20_000} ms]` : '';
      resolve({ code, stdout, stderr: stderr + killed });
    });
    children.add(child);
  });
}

/** A fresh temp directory and its remover. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export { PROJECT };
