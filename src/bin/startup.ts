import { Server } from '../server/server.js';
import { loadSettings, SETTINGS_DOC, type Settings } from '../server/settings.js';
import { createLogger, type Logger } from '../server/logger.js';

/** Reads settings, creates the logger and the server, logs the settings, and waits for the plugins. Exits with a message on bad settings. */
export async function startServer(binary: string): Promise<{ server: Server; settings: Settings; log: Logger }> {
  let settings: Settings;
  try {
    settings = loadSettings();
  } catch (err) {
    process.stderr.write(`${binary}: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const log = createLogger(settings.logLevel);
  log.info({ binary, node: process.version, settings }, 'starting');
  // Plugin code may throw or reject outside any request (a timer, a forgotten promise): log it, keep serving.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection (kept running)'));
  process.on('uncaughtException', (err) => log.error({ err }, 'uncaught exception (kept running)'));
  const server = new Server({ settings, logger: log });
  await server.ready();
  // The 8-bit PNG encoders (worker threads) start with the first WMS request (WmsService), not here.
  return { server, settings, log };
}

/** The environment variables, for --help. */
export function settingsHelp(): string {
  return Object.entries(SETTINGS_DOC).map(([k, v]) => `  ${k.padEnd(22)} ${v}`).join('\n');
}

/**
 * Stops on SIGTERM / SIGINT: stop accepting, let requests in flight finish (up to OWS_SHUTDOWN_TIMEOUT), exit 0.
 * `busy` counts what the transport still holds that the server does not see (bodies arriving, answers being written).
 */
export function gracefulShutdown(closeListeners: () => void, server: Server, log: Logger, timeoutMs: number, busy: () => number = () => 0): void {
  const inFlight = () => Math.max(server.inFlight(), busy());
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, inFlight: inFlight() }, 'stopping: no new connections, finishing requests in flight');
    closeListeners();
    const deadline = Date.now() + timeoutMs;
    const poll = setInterval(() => {
      if (inFlight() === 0 || Date.now() > deadline) {
        clearInterval(poll);
        if (inFlight() > 0) log.warn({ inFlight: inFlight() }, 'shutdown timeout: exiting with requests in flight');
        else log.info('stopped');
        process.exit(0);
      }
    }, 20);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
