import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, symlink, rm, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveProjectPath } from '../../src/project/resolve.js';
import { OgcError, SecurityError, InvalidParameterError } from '../../src/errors/ogc-error.js';

/**
 * tmp/
 *   projects/            the projects directory
 *     world.yaml
 *     sub/roads.yaml
 *     dir/               a directory, not a project
 *     inner-link.yaml -> world.yaml          (inside: allowed)
 *     outer-link.yaml -> ../outside/secret.yaml (outside: refused)
 *     outer-dir -> ../outside                 (a directory link leading out)
 *     dangling.yaml -> nowhere.yaml
 *     ..dotted.yaml      a file whose name starts with two dots
 *   outside/secret.yaml
 *   projects-link -> projects                 (the projects directory given through a link)
 */
let tmp: string;
let projects: string;

async function refused(map: string, dir: string | null, code: 'Security' | 'InvalidParameterValue'): Promise<OgcError> {
  let caught: unknown;
  try {
    await resolveProjectPath(map, dir);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof OgcError, `MAP=${map}: expected an OgcError, got ${String(caught)}`);
  assert.equal(caught.code, code, `MAP=${map}: ${caught.message}`);
  assert.equal(caught.status, code === 'Security' ? 403 : 400);
  assert.equal(caught.locator, 'MAP');
  if (code === 'Security') assert.ok(caught instanceof SecurityError);
  else assert.ok(caught instanceof InvalidParameterError);
  return caught;
}

before(async () => {
  tmp = await realpath(await mkdtemp(path.join(tmpdir(), 'ows-resolve-')));
  projects = path.join(tmp, 'projects');
  await mkdir(path.join(projects, 'sub'), { recursive: true });
  await mkdir(path.join(projects, 'dir'));
  await mkdir(path.join(tmp, 'outside'));
  await writeFile(path.join(projects, 'world.yaml'), 'title: world\n');
  await writeFile(path.join(projects, 'sub', 'roads.yaml'), 'title: roads\n');
  await writeFile(path.join(projects, '..dotted.yaml'), 'title: dotted\n');
  await writeFile(path.join(tmp, 'outside', 'secret.yaml'), 'title: secret\n');
  await symlink('world.yaml', path.join(projects, 'inner-link.yaml'));
  await symlink('../outside/secret.yaml', path.join(projects, 'outer-link.yaml'));
  await symlink('../outside', path.join(projects, 'outer-dir'));
  await symlink('nowhere.yaml', path.join(projects, 'dangling.yaml'));
  await symlink('projects', path.join(tmp, 'projects-link'));
});

after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('resolveProjectPath: accepted', () => {
  it('a file in the projects directory', async () => {
    assert.equal(await resolveProjectPath('world.yaml', projects), path.join(projects, 'world.yaml'));
  });
  it('a file in a subdirectory', async () => {
    assert.equal(await resolveProjectPath('sub/roads.yaml', projects), path.join(projects, 'sub', 'roads.yaml'));
  });
  it('.. that stays inside', async () => {
    assert.equal(await resolveProjectPath('./sub/../world.yaml', projects), path.join(projects, 'world.yaml'));
  });
  it('.. that leaves and comes back in: judged on the resolved path', async () => {
    assert.equal(await resolveProjectPath('../projects/world.yaml', projects), path.join(projects, 'world.yaml'));
  });
  it('a symlink to a file inside, resolved to its target', async () => {
    assert.equal(await resolveProjectPath('inner-link.yaml', projects), path.join(projects, 'world.yaml'));
  });
  it('a projects directory given through a symlink', async () => {
    assert.equal(await resolveProjectPath('sub/roads.yaml', path.join(tmp, 'projects-link')), path.join(projects, 'sub', 'roads.yaml'));
  });
  it('a projects directory given with a trailing slash or relative segments', async () => {
    assert.equal(await resolveProjectPath('world.yaml', `${projects}/`), path.join(projects, 'world.yaml'));
    assert.equal(await resolveProjectPath('world.yaml', path.join(projects, 'sub', '..')), path.join(projects, 'world.yaml'));
  });
  it('a file whose name starts with two dots', async () => {
    assert.equal(await resolveProjectPath('..dotted.yaml', projects), path.join(projects, '..dotted.yaml'));
  });
});

describe('resolveProjectPath: refused with a security exception (403)', () => {
  it('without a projects directory', async () => {
    await refused('world.yaml', null, 'Security');
    await refused('world.yaml', '', 'Security');
  });
  it('an absolute path, even one inside the projects directory', async () => {
    await refused(path.join(projects, 'world.yaml'), projects, 'Security');
    await refused('/etc/passwd', projects, 'Security');
  });
  it('.. that leaves the projects directory', async () => {
    for (const map of ['../outside/secret.yaml', 'sub/../../outside/secret.yaml', '..', '../', 'sub/../..', '../projects/../outside/secret.yaml']) {
      await refused(map, projects, 'Security');
    }
  });
  it('a .. escape to a file that does not exist is refused as security, telling nothing about existence', async () => {
    await refused('../outside/nothing-here.yaml', projects, 'Security');
  });
  it('a symlink to a file outside', async () => {
    await refused('outer-link.yaml', projects, 'Security');
  });
  it('a path through a symlinked directory that leads outside', async () => {
    await refused('outer-dir/secret.yaml', projects, 'Security');
  });
  it('the projects directory itself', async () => {
    await refused('.', projects, 'Security');
    await refused('sub/..', projects, 'Security');
  });
  it('a NUL byte', async () => {
    await refused('world.yaml\0.png', projects, 'Security');
  });
  it('messages do not reveal server paths', async () => {
    for (const map of ['/etc/passwd', '../outside/secret.yaml', 'outer-link.yaml']) {
      const err = await refused(map, projects, 'Security');
      assert.ok(!err.message.includes(tmp), err.message);
    }
  });
});

describe('resolveProjectPath: refused as InvalidParameterValue (400)', () => {
  it('a file that does not exist', async () => {
    const err = await refused('missing.yaml', projects, 'InvalidParameterValue');
    assert.match(err.message, /missing\.yaml/);
    assert.ok(!err.message.includes(tmp), 'the projects directory is not revealed');
  });
  it('a dangling symlink', async () => {
    await refused('dangling.yaml', projects, 'InvalidParameterValue');
  });
  it('a directory', async () => {
    const err = await refused('dir', projects, 'InvalidParameterValue');
    assert.match(err.message, /not a file/);
  });
});
