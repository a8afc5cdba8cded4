import { parseArgs } from 'node:util';
import { createHttpServer } from '../transports/http.js';
import { gracefulShutdown, settingsHelp, startServer } from './startup.js';

const USAGE = `Usage: ows-serve [--port N] [--host H]
Development HTTP server for ows-server (default 127.0.0.1:8080).

Environment:
${settingsHelp()}
`;

async function main(): Promise<void> {
  let values: { port?: string; host?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { port: { type: 'string', short: 'p' }, host: { type: 'string', short: 'H' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    process.stderr.write(`ows-serve: ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = Number(values.port ?? process.env['PORT'] ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`ows-serve: --port '${values.port}' is not a port number\n`);
    process.exit(2);
  }
  const host = values.host ?? '127.0.0.1';
  const { server, settings, log } = await startServer('ows-serve');
  const http = createHttpServer(server);
  http.listen(port, host, () => {
    const addr = http.address();
    const actual = typeof addr === 'object' && addr ? addr.port : port;
    log.info({ url: `http://${host}:${actual}/` }, 'listening');
  });
  gracefulShutdown(() => {
    http.close();
    http.closeIdleConnections();
  }, server, log, settings.shutdownTimeout);
}

void main();
