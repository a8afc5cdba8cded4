import { pino, type Logger as PinoLogger } from 'pino';

/** The structured logger (pino, JSON lines on stderr: mod_fcgid puts stderr in Apache's error log). */
export type Logger = PinoLogger;

const LEVEL_WORDS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** Maps OWS_LOG_LEVEL to a pino level: a name, or QGIS_SERVER_LOG_LEVEL-style 0 (info) / 1 (warning) / 2 (critical). */
export function logLevel(value: string | undefined): string {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '') return 'info';
  if (LEVEL_WORDS.includes(v)) return v;
  if (v === 'warning') return 'warn';
  if (v === 'critical') return 'error';
  const qgis = new Map([['0', 'info'], ['1', 'warn'], ['2', 'error']]).get(v);
  if (qgis) return qgis;
  throw new Error(`OWS_LOG_LEVEL '${value}' is not one of ${LEVEL_WORDS.join(', ')}, 0, 1, 2`);
}

/** Creates the process logger writing synchronously to stderr. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 2, sync: true }));
}
