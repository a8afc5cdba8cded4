import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadSettings, SETTINGS_DOC, type Settings } from '../../src/server/settings.js';

describe('loadSettings', () => {
  it('defaults for an empty environment', () => {
    assert.deepEqual(loadSettings({}), {
      projectFile: null,
      projectsDir: null,
      pluginPaths: [],
      logLevel: 'info',
      serviceUrl: null,
      trustProxy: false,
      maxBodySize: 64 * 1024 * 1024,
      shutdownTimeout: 30_000,
      wmsMaxWidth: null,
      wmsMaxHeight: null,
      dataSnapshot: true,
      dataSnapshotMB: 1024,
      dataSnapshotMaxFeatures: 250_000,
    } satisfies Settings);
  });

  it('reads every OWS_* variable', () => {
    const s = loadSettings({
      OWS_PROJECT_FILE: '/srv/projects/world.yaml',
      OWS_PROJECTS_DIR: '/srv/projects',
      OWS_PLUGINPATH: '/opt/plugins:/usr/share/ows/plugins',
      OWS_LOG_LEVEL: 'debug',
      OWS_SERVICE_URL: 'https://maps.example.org/ows',
      OWS_TRUST_PROXY: 'yes',
      OWS_MAX_BODY_SIZE: '1048576',
      OWS_SHUTDOWN_TIMEOUT: '5000',
      OWS_WMS_MAX_WIDTH: '4096',
      OWS_WMS_MAX_HEIGHT: '3072',
      OWS_DATA_SNAPSHOT: 'wait',
      OWS_DATA_SNAPSHOT_MB: '256',
      OWS_DATA_SNAPSHOT_MAX_FEATURES: '5000',
    });
    assert.deepEqual(s, {
      projectFile: '/srv/projects/world.yaml',
      projectsDir: '/srv/projects',
      pluginPaths: ['/opt/plugins', '/usr/share/ows/plugins'],
      logLevel: 'debug',
      serviceUrl: 'https://maps.example.org/ows',
      trustProxy: true,
      maxBodySize: 1048576,
      shutdownTimeout: 5000,
      wmsMaxWidth: 4096,
      wmsMaxHeight: 3072,
      dataSnapshot: 'wait',
      dataSnapshotMB: 256,
      dataSnapshotMaxFeatures: 5000,
    });
  });

  it('reads only the environment it is given', () => {
    const saved = process.env['OWS_PROJECT_FILE'];
    process.env['OWS_PROJECT_FILE'] = '/from/process/env.yaml';
    try {
      assert.equal(loadSettings({}).projectFile, null);
      assert.equal(loadSettings().projectFile, '/from/process/env.yaml', 'process.env by default');
    } finally {
      if (saved === undefined) delete process.env['OWS_PROJECT_FILE'];
      else process.env['OWS_PROJECT_FILE'] = saved;
    }
  });

  it('trims values; blank values count as unset', () => {
    const s = loadSettings({ OWS_PROJECT_FILE: '  /p.yaml \n', OWS_PROJECTS_DIR: '   ', OWS_SERVICE_URL: '', OWS_MAX_BODY_SIZE: ' 10 ', OWS_SHUTDOWN_TIMEOUT: ' ' });
    assert.equal(s.projectFile, '/p.yaml');
    assert.equal(s.projectsDir, null);
    assert.equal(s.serviceUrl, null);
    assert.equal(s.maxBodySize, 10);
    assert.equal(s.shutdownTimeout, 30_000);
  });

  it('splits the plugin path on colons and drops empty entries', () => {
    assert.deepEqual(loadSettings({ OWS_PLUGINPATH: ':/a::/b:' }).pluginPaths, ['/a', '/b']);
    assert.deepEqual(loadSettings({ OWS_PLUGINPATH: '/only' }).pluginPaths, ['/only']);
  });

  it('accepts 0 for the integers', () => {
    const s = loadSettings({ OWS_MAX_BODY_SIZE: '0', OWS_SHUTDOWN_TIMEOUT: '0' });
    assert.equal(s.maxBodySize, 0);
    assert.equal(s.shutdownTimeout, 0);
  });

  it('a bad integer throws naming the variable and the value', () => {
    for (const name of ['OWS_MAX_BODY_SIZE', 'OWS_SHUTDOWN_TIMEOUT']) {
      for (const bad of ['abc', '-1', '1.5', '1e6', '10MB', '0x10']) {
        assert.throws(() => loadSettings({ [name]: bad }), (err: Error) => {
          assert.ok(err.message.includes(name), err.message);
          assert.ok(err.message.includes(bad), err.message);
          return true;
        }, `${name}=${bad}`);
      }
    }
  });

  it('maps the log level, and a bad one throws naming OWS_LOG_LEVEL', () => {
    assert.equal(loadSettings({ OWS_LOG_LEVEL: '1' }).logLevel, 'warn');
    assert.equal(loadSettings({ OWS_LOG_LEVEL: 'ERROR' }).logLevel, 'error');
    assert.throws(() => loadSettings({ OWS_LOG_LEVEL: 'chatty' }), /OWS_LOG_LEVEL/);
  });
});

describe('SETTINGS_DOC', () => {
  it('documents every variable loadSettings reads, and only those', () => {
    const read = new Set<string>();
    const env = new Proxy({} as NodeJS.ProcessEnv, {
      get(_t, key) {
        if (typeof key === 'string') read.add(key);
        return undefined;
      },
    });
    loadSettings(env);
    assert.deepEqual([...read].sort(), Object.keys(SETTINGS_DOC).sort());
    for (const [name, doc] of Object.entries(SETTINGS_DOC)) {
      assert.match(name, /^OWS_[A-Z_]+$/);
      assert.ok(doc.length > 10, `${name} is described`);
    }
  });
});

describe('OWS_TRUST_PROXY', () => {
  it('is false by default and refuses words it does not know', () => {
    assert.equal(loadSettings({}).trustProxy, false);
    assert.equal(loadSettings({ OWS_TRUST_PROXY: '0' }).trustProxy, false);
    assert.equal(loadSettings({ OWS_TRUST_PROXY: 'on' }).trustProxy, true);
    assert.throws(() => loadSettings({ OWS_TRUST_PROXY: 'maybe' }), /OWS_TRUST_PROXY \('maybe'\) must be 1 or 0/);
  });
});
