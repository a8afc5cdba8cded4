import { chmod, lstat, unlink } from 'node:fs/promises';
import { fstatSync } from 'node:fs';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { createFastcgiTransport, type FastcgiTransport } from '../transports/fastcgi.js';
import { gracefulShutdown, settingsHelp, startServer } from './startup.js';

const USAGE = `Usage: ows-fcgi [--socket PATH [--socket-mode MODE] | --port N [--host H]]
FastCGI worker for ows-server.

Where it accepts connections:
  (no option)          the listening socket the parent hands over: on fd 0 (spawn-fcgi, Apache
                       mod_fcgid), or on fd 3... under systemd socket activation (LISTEN_FDS, LISTEN_PID)
  -s, --socket PATH    listen on a unix socket (a stale socket file is replaced)
  -m, --socket-mode M  permissions of that socket, octal (default 0660: owner and group, e.g. www-data)
  -p, --port N         listen on a TCP port
  -H, --host H         address for --port (default 127.0.0.1)
  -h, --help           this help

On SIGTERM or SIGINT it stops accepting, finishes the requests in flight (at most
OWS_SHUTDOWN_TIMEOUT ms) and exits 0. Logs are JSON lines on stderr.

Environment:
${settingsHelp()}
`;

/** Where to accept connections. */
type Listen = { kind: 'fd'; fds: number[]; from: string } | { kind: 'socket'; path: string; mode: number } | { kind: 'port'; port: number; host: string };

function fail(message: string): never {
  process.stderr.write(`ows-fcgi: ${message}\n\nSee ows-fcgi --help.\n`);
  process.exit(2);
}

/**
 * The sockets systemd passed (sd_listen_fds): LISTEN_FDS sockets from fd 3 on, if LISTEN_PID is this
 * process. The variables are removed so that children do not take the sockets for theirs.
 */
function systemdFds(): number[] {
  const env = process.env;
  const count = Number(env['LISTEN_FDS'] ?? '');
  const pid = Number(env['LISTEN_PID'] ?? '');
  delete env['LISTEN_FDS'];
  delete env['LISTEN_PID'];
  delete env['LISTEN_FDNAMES'];
  if (!Number.isInteger(count) || count < 1 || pid !== process.pid) return [];
  return Array.from({ length: count }, (_, i) => 3 + i);
}

function isSocket(fd: number): boolean {
  try {
    return fstatSync(fd).isSocket();
  } catch {
    return false;
  }
}

function chooseListen(values: Record<string, string | boolean | undefined>): Listen {
  const socket = values['socket'] as string | undefined;
  const portText = values['port'] as string | undefined;
  if (socket !== undefined && portText !== undefined) fail('--socket and --port exclude each other');
  if (values['socket-mode'] !== undefined && socket === undefined) fail('--socket-mode goes with --socket');
  if (values['host'] !== undefined && portText === undefined) fail('--host goes with --port');
  const activated = systemdFds();
  if (socket !== undefined) {
    const modeText = (values['socket-mode'] as string | undefined) ?? '0660';
    if (!/^0?[0-7]{3}$/.test(modeText)) fail(`--socket-mode '${modeText}' is not an octal mode like 0660`);
    if (!socket) fail('--socket needs a path');
    return { kind: 'socket', path: socket, mode: Number.parseInt(modeText, 8) };
  }
  if (portText !== undefined) {
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) fail(`--port '${portText}' is not a port number`);
    return { kind: 'port', port, host: (values['host'] as string | undefined) ?? '127.0.0.1' };
  }
  if (activated.length) {
    const bad = activated.find((fd) => !isSocket(fd));
    if (bad !== undefined) fail(`LISTEN_FDS: fd ${bad} is not a socket`);
    return { kind: 'fd', fds: activated, from: 'systemd' };
  }
  if (!isSocket(0)) {
    fail('fd 0 is not a listening socket: start ows-fcgi from spawn-fcgi, Apache mod_fcgid or a systemd socket, or give --socket PATH or --port N');
  }
  return { kind: 'fd', fds: [0], from: 'fd 0' };
}

/** Removes a socket file left by a worker that died; refuses when something still listens there, or the path is no socket. */
async function clearStaleSocket(path: string): Promise<void> {
  let st;
  try {
    st = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!st.isSocket()) throw new Error(`${path} exists and is not a socket`);
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect(path);
    const timer = setTimeout(() => {
      probe.destroy();
      resolve(true);
    }, 1000);
    probe.once('connect', () => {
      clearTimeout(timer);
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (alive) throw new Error(`another process is listening on ${path}`);
  await unlink(path);
}

function listenOn(transport: FastcgiTransport, target: Parameters<net.Server['listen']>[0] | number, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = transport.server;
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    const done = () => {
      server.off('error', onError);
      resolve();
    };
    if (typeof target === 'number') server.listen(target, host, done);
    else server.listen(target, done);
  });
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        socket: { type: 'string', short: 's' },
        'socket-mode': { type: 'string', short: 'm' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string', short: 'H' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values['help']) {
    process.stdout.write(USAGE);
    return;
  }
  const where = chooseListen(values);
  const { server, settings, log } = await startServer('ows-fcgi');
  const transports: FastcgiTransport[] = [];
  try {
    if (where.kind === 'fd') {
      for (const fd of where.fds) {
        const t = createFastcgiTransport(server);
        transports.push(t);
        await listenOn(t, { fd });
      }
      log.info({ fds: where.fds, from: where.from }, 'accepting FastCGI connections');
    } else if (where.kind === 'socket') {
      await clearStaleSocket(where.path);
      const t = createFastcgiTransport(server);
      transports.push(t);
      await listenOn(t, where.path);
      await chmod(where.path, where.mode);
      log.info({ socket: where.path, mode: `0${where.mode.toString(8)}` }, 'accepting FastCGI connections');
    } else {
      const t = createFastcgiTransport(server);
      transports.push(t);
      await listenOn(t, where.port, where.host);
      const addr = t.server.address();
      log.info({ host: where.host, port: typeof addr === 'object' && addr ? addr.port : where.port }, 'accepting FastCGI connections');
    }
  } catch (err) {
    log.fatal({ err: (err as Error).message }, 'cannot accept FastCGI connections');
    process.exit(1);
  }
  // The FastCGI transports count a request from its PARAMS to its END_REQUEST: a POST whose body is
  // still arriving, or an answer whose END_REQUEST is not written yet, is in flight too.
  gracefulShutdown(() => {
    for (const t of transports) t.shutdown();
  }, server, log, settings.shutdownTimeout, () => transports.reduce((n, t) => n + t.active(), 0));
}

void main();
