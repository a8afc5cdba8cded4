import { copyFile, mkdir, readFile, writeFile, chown } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { IS_ROOT, OWS_FCGI, PLUGIN_PATH, Proc, ROOT, exists, freePort, pidsWithEnv, userIds, waitForListen, type Exit } from './procs.js';

/** The user web server workers drop to when the tests run as root. */
export const WEB_USER = 'www-data';

/** Replaces `from` by `to` in a config text, failing loudly when the example no longer has it. */
function must(text: string, from: string | RegExp, to: string, what: string): string {
  const found = typeof from === 'string' ? text.includes(from) : from.test(text);
  if (!found) throw new Error(`the example config no longer has ${what} (${from}); update the e2e test`);
  return typeof from === 'string' ? text.split(from).join(to) : text.replace(from, to);
}

/** The lines of a log at one of the given levels. */
function linesAt(log: string, levels: RegExp): string[] {
  return log.split('\n').filter((l) => levels.test(l));
}

/** A started web server. */
export interface WebServer {
  port: number;
  dir: string;
  proc: Proc;
  /** The web server's error log so far. */
  errorLog(): Promise<string>;
  /** Error log lines at error level or worse. */
  errors(): Promise<string[]>;
  stop(): Promise<Exit>;
}

/** spawn-fcgi -n: creates the unix socket, puts it on fd 0 and execs bin/ows-fcgi in its own process (so the pid is the worker's). */
export async function spawnFcgiWorker(spawnFcgi: string, socket: string, env: NodeJS.ProcessEnv, name = 'spawn-fcgi worker'): Promise<Proc> {
  const args = ['-n', '-s', socket, '-M', '0660'];
  if (IS_ROOT && userIds(WEB_USER)) args.push('-G', WEB_USER);
  args.push('--', process.execPath, OWS_FCGI);
  const proc = new Proc(name, spawnFcgi, args, { env, cwd: ROOT });
  await proc.waitOutput(/accepting FastCGI connections/, 20_000);
  return proc;
}

/**
 * nginx on 127.0.0.1 with conf/nginx/ows-server.conf (socket, port and log paths templated in), in
 * the foreground, its pid file, logs and temp files in `dir`.
 */
export async function startNginx(nginx: string, dir: string, socket: string): Promise<WebServer> {
  const example = await readFile(path.join(ROOT, 'conf/nginx/ows-server.conf'), 'utf8');
  await mkdir(path.join(dir, 'logs'), { recursive: true });
  await mkdir(path.join(dir, 'tmp'), { recursive: true });
  await copyFile('/etc/nginx/fastcgi_params', path.join(dir, 'fastcgi_params'));
  const user = IS_ROOT && userIds(WEB_USER) ? `user ${WEB_USER};` : '';
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    let site = must(example, 'server unix:/run/ows-server/ows.sock;', `server unix:${socket};`, 'the upstream socket');
    site = must(site, /^(\s*)listen 80;/m, `$1listen 127.0.0.1:${port};`, 'listen 80');
    site = must(site, '/var/log/nginx/', `${dir}/logs/`, 'the log paths');
    await writeFile(path.join(dir, 'ows-server.conf'), site);
    await writeFile(path.join(dir, 'nginx.conf'), `# e2e test: nginx in the foreground with the example site
daemon off;
master_process on;
worker_processes 1;
${user}
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log info;
events { worker_connections 1024; }
http {
    default_type application/octet-stream;
    client_body_temp_path ${dir}/tmp/body;
    fastcgi_temp_path ${dir}/tmp/fastcgi;
    proxy_temp_path ${dir}/tmp/proxy;
    uwsgi_temp_path ${dir}/tmp/uwsgi;
    scgi_temp_path ${dir}/tmp/scgi;
    include ${dir}/ows-server.conf;
}
`);
    const proc = new Proc('nginx', nginx, ['-e', `${dir}/logs/error.log`, '-p', `${dir}/`, '-c', `${dir}/nginx.conf`], { cwd: dir });
    try {
      await waitForListen(port, 15_000, () => proc.alive);
    } catch (err) {
      await proc.stop('SIGKILL', 2000);
      const log = await readFile(path.join(dir, 'logs/error.log'), 'utf8').catch(() => '');
      if (attempt < 3 && /Address already in use/.test(log + proc.stderr)) continue;
      throw new Error(`nginx did not start: ${(err as Error).message}\n${log}\n${proc.tail()}`);
    }
    const errorLog = () => readFile(path.join(dir, 'logs/error.log'), 'utf8').catch(() => '');
    return {
      port, dir, proc, errorLog,
      errors: async () => linesAt(await errorLog(), /\[(error|crit|alert|emerg)\]/),
      stop: () => proc.stop('SIGTERM', 10_000),
    };
  }
}

/** What the Apache + mod_fcgid stack is given. */
export interface ApacheOptions {
  apache2: string;
  modules: string;
  dir: string;
  /** OWS_* settings; they become FcgidInitialEnv lines next to the example's. */
  env: Record<string, string>;
  /** A value put in each worker's environment (OWS_E2E_MARKER) to find them afterwards. */
  marker: string;
}

/**
 * Apache 2.4 in the foreground on 127.0.0.1 with mod_fcgid, configured by conf/apache/ows-server.conf
 * with /opt/ows-server replaced by this checkout. As root, Apache's children (and so the workers)
 * run as www-data, which must read the checkout.
 */
export async function startApache(o: ApacheOptions): Promise<WebServer> {
  const example = await readFile(path.join(ROOT, 'conf/apache/ows-server.conf'), 'utf8');
  const { dir } = o;
  for (const sub of ['logs', 'run', 'fcgid', 'htdocs']) await mkdir(path.join(dir, sub), { recursive: true });
  const ids = IS_ROOT ? userIds(WEB_USER) : undefined;
  if (IS_ROOT && !ids) throw new Error(`running as root, Apache needs the user ${WEB_USER} to run its children`);
  if (ids) for (const sub of ['run', 'fcgid']) await chown(path.join(dir, sub), ids.uid, ids.gid);

  let site = must(example, /\/opt\/ows-server/g, ROOT, '/opt/ows-server paths');
  site = must(site, /^(\s*)FcgidInitialEnv OWS_PLUGINPATH .*$/m, `$1FcgidInitialEnv OWS_PLUGINPATH ${PLUGIN_PATH}`, 'FcgidInitialEnv OWS_PLUGINPATH');
  for (const [k, v] of Object.entries({ ...o.env, OWS_E2E_MARKER: o.marker })) {
    const line = new RegExp(`^(\\s*)#?FcgidInitialEnv ${k} .*$`, 'm');
    site = line.test(site) ? site.replace(line, `$1FcgidInitialEnv ${k} ${v}`)
      : must(site, /^(\s*FcgidInitialEnv OWS_PLUGINPATH .*)$/m, `$1\n    FcgidInitialEnv ${k} ${v}`, 'FcgidInitialEnv OWS_PLUGINPATH');
  }
  await writeFile(path.join(dir, 'ows-server.conf'), site);

  const mod = (name: string) => `LoadModule ${name}_module ${o.modules}/mod_${name}.so`;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    await writeFile(path.join(dir, 'httpd.conf'), `# e2e test: Apache in the foreground with the example mod_fcgid config
ServerRoot ${dir}
ServerName localhost
Listen 127.0.0.1:${port}
PidFile ${dir}/run/httpd.pid
DefaultRuntimeDir ${dir}/run
Mutex file:${dir}/run default
ErrorLog ${dir}/logs/error.log
LogLevel info
LogFormat "%h %l %u %t \\"%r\\" %>s %b %D" timed
CustomLog ${dir}/logs/access.log timed
LoadModule mpm_event_module ${o.modules}/mod_mpm_event.so
${mod('authz_core')}
${mod('alias')}
${mod('headers')}
${mod('fcgid')}
${ids ? `User ${WEB_USER}\nGroup ${WEB_USER}` : ''}
DocumentRoot ${dir}/htdocs
FcgidIPCDir ${dir}/fcgid
FcgidProcessTableFile ${dir}/fcgid/shm
Include ${dir}/ows-server.conf
`);
    const proc = new Proc('apache2', o.apache2, ['-f', `${dir}/httpd.conf`, '-d', dir, '-DFOREGROUND'], { cwd: dir, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C' } });
    try {
      await waitForListen(port, 15_000, () => proc.alive);
    } catch (err) {
      await proc.stop('SIGKILL', 2000);
      const log = await readFile(path.join(dir, 'logs/error.log'), 'utf8').catch(() => '');
      if (attempt < 3 && /Address already in use/.test(log + proc.stderr)) continue;
      throw new Error(`apache2 did not start: ${(err as Error).message}\n${log}\n${proc.tail()}`);
    }
    const errorLog = () => readFile(path.join(dir, 'logs/error.log'), 'utf8').catch(() => '');
    return {
      port, dir, proc, errorLog,
      errors: async () => linesAt(await errorLog(), /\[[a-z_]*:(error|crit|alert|emerg)\]/),
      stop: async () => {
        const exit = await proc.stop('SIGTERM', 15_000);
        // mod_fcgid stops its workers with SIGTERM; none may outlive the test.
        for (let i = 0; i < 40 && pidsWithEnv('OWS_E2E_MARKER', o.marker).length; i++) await sleep(50);
        for (const pid of pidsWithEnv('OWS_E2E_MARKER', o.marker)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
        return exit;
      },
    };
  }
}

/** The apache2 modules directory (Debian's, or the one next to the binary). */
export function apacheModulesDir(): string | undefined {
  for (const d of ['/usr/lib/apache2/modules', '/usr/lib64/httpd/modules', '/usr/lib/httpd/modules']) if (exists(path.join(d, 'mod_fcgid.so'))) return d;
  return undefined;
}
