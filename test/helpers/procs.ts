import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

/** The repository root (the tests run from dist/test/...). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The worker binary. */
export const OWS_FCGI = path.join(ROOT, 'bin/ows-fcgi');
/** The shipped example plugins and the test fixtures, as OWS_PLUGINPATH. */
export const PLUGIN_PATH = [path.join(ROOT, 'conf/plugins/examples'), path.join(ROOT, 'test/fixtures/plugins')].join(':');

const SEARCH = [...(process.env['PATH'] ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/local/sbin'].filter(Boolean);

/** The absolute path of a program on PATH (or in an sbin directory), or undefined. */
export function which(name: string): string | undefined {
  for (const dir of SEARCH) {
    const p = path.join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** Whether a file exists. */
export function exists(p: string): boolean {
  try {
    accessSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks the programs (or files) a suite needs. Missing ones skip the suite with a message, except
 * under CI=true, where the suite must fail instead: then `skip` is false and `assertTools()` throws.
 */
export function needTools(tools: Record<string, string | undefined>): { skip: string | false; assertTools: () => void } {
  const missing = Object.entries(tools).filter(([, p]) => !p || !exists(p)).map(([name]) => name);
  const message = missing.length ? `missing ${missing.join(', ')}` : '';
  const ci = process.env['CI'] === 'true';
  return {
    skip: missing.length && !ci ? `${message} (not on this machine; with CI=true this fails)` : false,
    assertTools: () => {
      if (missing.length) throw new Error(`${message}: CI=true, so this suite fails instead of skipping`);
    },
  };
}

/** Whether the tests run as root (web servers then need a User to drop to). */
export const IS_ROOT = process.getuid?.() === 0;

/** uid and gid of a system user, from /etc/passwd. */
export function userIds(name: string): { uid: number; gid: number } | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f.length >= 4) return { uid: Number(f[2]), gid: Number(f[3]) };
    }
  } catch {
    /* none */
  }
  return undefined;
}

/** A fresh directory under the system temp dir, world-traversable (web server workers run as another user). */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}

/** Removes a temp directory, never throwing. */
export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true }).catch(() => {});
}

/** A loopback TCP port free right now. */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Resolves once something accepts connections on the unix socket path or loopback port; throws after the timeout. */
export async function waitForListen(target: string | number, timeoutMs: number, alive?: () => boolean): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = typeof target === 'number' ? net.connect(target, '127.0.0.1') : net.connect(target);
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (alive && !alive()) throw new Error(`the process meant to listen on ${target} exited`);
    if (Date.now() > end) throw new Error(`nothing listens on ${target} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const running = new Set<Proc>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

/** A child process whose output is kept (the last 256 KiB of each stream) and that is always stopped. */
export class Proc {
  readonly child: ChildProcess;
  readonly name: string;
  readonly exited: Promise<Exit>;
  #out = '';
  #err = '';
  #exit: Exit | undefined;
  #partial = '';
  #lineListeners: Array<(line: string) => void> = [];

  constructor(name: string, command: string, args: string[], options: SpawnOptions = {}) {
    this.name = name;
    this.child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    running.add(this);
    const keep = (s: string, chunk: Buffer) => (s + chunk.toString('utf8')).slice(-262_144);
    this.child.stdout?.on('data', (c: Buffer) => {
      this.#out = keep(this.#out, c);
    });
    this.child.stderr?.on('data', (c: Buffer) => {
      this.#err = keep(this.#err, c);
      const lines = (this.#partial + c.toString('utf8')).split('\n');
      this.#partial = lines.pop() ?? '';
      for (const line of lines) for (const l of this.#lineListeners) l(line);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        running.delete(this);
        resolve(this.#exit);
      });
      this.child.once('error', (err) => {
        this.#err += `\nspawn error: ${err.message}`;
        this.#exit = { code: -1, signal: null };
        running.delete(this);
        resolve(this.#exit);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
  get stdout(): string {
    return this.#out;
  }
  get stderr(): string {
    return this.#err;
  }
  /** Counts the stderr lines matching `re` from now on (the kept output is bounded, a count is not). */
  countLines(re: RegExp): () => number {
    let n = 0;
    this.#lineListeners.push((line) => {
      if (re.test(line)) n++;
    });
    return () => n;
  }

  /** Whether the process still runs. */
  get alive(): boolean {
    return this.#exit === undefined;
  }
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.alive) this.child.kill(signal);
  }

  /** Waits until the process's stderr (or stdout) matches; throws with the output after the timeout or if it exits. */
  async waitOutput(re: RegExp, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!re.test(this.#err) && !re.test(this.#out)) {
      if (!this.alive) throw new Error(`${this.name} exited (${JSON.stringify(this.#exit)}) before printing ${re}:\n${this.tail()}`);
      if (Date.now() > end) throw new Error(`${this.name} did not print ${re} within ${timeoutMs} ms:\n${this.tail()}`);
      await sleep(25);
    }
  }

  /** Waits for the exit; null if it still runs after the timeout. */
  async waitExit(timeoutMs: number): Promise<Exit | null> {
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([this.exited, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)))]);
    clearTimeout(timer);
    return r;
  }

  /** Sends `signal`, waits up to `timeoutMs`, then SIGKILL. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<Exit> {
    if (!this.alive) return this.exited;
    this.kill(signal);
    if (await this.waitExit(timeoutMs)) return this.exited;
    this.kill('SIGKILL');
    return this.exited;
  }

  /** The end of its output, for failure messages. */
  tail(chars = 4000): string {
    return `--- ${this.name} stderr ---\n${this.#err.slice(-chars)}\n--- ${this.name} stdout ---\n${this.#out.slice(-chars)}`;
  }
}

/**
 * Pids of the processes (ours, or any when root) whose environment holds `name=value`: the workers a
 * web server started with our marker variable. Used to make sure none outlives its test.
 */
export function pidsWithEnv(name: string, value: string): number[] {
  const needle = Buffer.from(`${name}=${value}\0`);
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`).includes(needle)) pids.push(Number(entry));
    } catch {
      /* gone, or not ours */
    }
  }
  return pids;
}

/** Environment for a worker: the caller's, without OWS_* settings leaking in, plus `extra`. */
export function workerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OWS_') && !k.startsWith('LISTEN_') && !k.startsWith('NODE_TEST')) env[k] = v;
  return { ...env, OWS_PLUGINPATH: PLUGIN_PATH, ...extra };
}
