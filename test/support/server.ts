import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Server, type ServerOptions } from '../../src/server/server.js';
import { loadSettings, type Settings } from '../../src/server/settings.js';
import { BufferRequest, type HeaderInput } from '../../src/server/request.js';
import { BufferResponse } from '../../src/server/response.js';
import type { Logger } from '../../src/server/logger.js';

/** The repository root (tests run from dist/test/...). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The shipped example plugins. */
export const EXAMPLES = path.join(ROOT, 'conf/plugins/examples');

/** A logger that keeps every record in memory. */
export function memoryLogger(level = 'debug'): { log: Logger; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const log = pino({ level }, { write: (line: string) => void records.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, records };
}

/** A server with default settings overridden, logging to memory, no plugins unless pluginPaths is given. */
export function testServer(settings: Partial<Settings> = {}, options: Omit<ServerOptions, 'settings' | 'logger'> = {}) {
  const { log, records } = memoryLogger();
  const server = new Server({ settings: { ...loadSettings({}), ...settings }, logger: log, coreServices: false, ...options });
  return { server, records, iface: server.serverInterface() };
}

/** Runs one in-memory request and returns the response. */
export async function call(server: Server, url: string, method = 'GET', headers: HeaderInput = {}, body?: string | Buffer) {
  const response = new BufferResponse();
  await server.handleRequest(new BufferRequest(new URL(url, 'http://localhost:8080/'), method, headers, body), response);
  return { status: response.statusCode(), headers: response.headers(), body: response.body().toString('utf8'), response };
}
