import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AccessControl, AccessControlFilter, LayerPermissions, type AccessControlFilterLike, type ServerLayer, type ServerFeature,
} from '../../src/filters/access-control.js';
import type { ServerInterface } from '../../src/server/server-interface.js';

const layer = (name: string): ServerLayer => ({ name: () => name, id: () => `${name}_id` });
const feature = (attrs: Record<string, unknown>): ServerFeature => ({
  id: () => (attrs['fid'] as number) ?? null,
  attribute: (n) => attrs[n],
  attributes: () => ({ ...attrs }),
});
const ROADS = layer('roads');

function ac(...filters: Array<[AccessControlFilterLike, number?]>): AccessControl {
  const a = new AccessControl('access control');
  for (const [f, p] of filters) a.register(f, p);
  return a;
}
const perms = (p: LayerPermissions) => ({ canRead: p.canRead, canInsert: p.canInsert, canUpdate: p.canUpdate, canDelete: p.canDelete });
const ALL = { canRead: true, canInsert: true, canUpdate: true, canDelete: true };

describe('AccessControl with no filters', () => {
  const empty = new AccessControl('access control');
  it('restricts nothing', () => {
    assert.equal(empty.layerFilterExpression(ROADS), null);
    assert.equal(empty.layerFilterSubsetString(ROADS), null);
    assert.deepEqual(perms(empty.layerPermissions(ROADS)), ALL);
    assert.deepEqual(empty.layerAttributes(ROADS, ['a', 'b']), ['a', 'b']);
    assert.equal(empty.allowToEdit(ROADS, feature({})), true);
  });
  it('has an empty (not null) cache key: caching is allowed', () => {
    assert.equal(empty.cacheKey(), '');
  });
});

describe('AccessControl.layerFilterExpression / layerFilterSubsetString', () => {
  it('one filter: its expression as is', () => {
    const a = ac([{ layerFilterExpression: () => '"owner" = \'bob\'' }]);
    assert.equal(a.layerFilterExpression(ROADS), '"owner" = \'bob\'');
  });
  it('several filters: each in parentheses, ANDed in priority order', () => {
    const a = ac(
      [{ layerFilterExpression: () => 'b = 2 OR c = 3' }, 10],
      [{ layerFilterExpression: () => 'a = 1' }, -10],
    );
    assert.equal(a.layerFilterExpression(ROADS), '(a = 1) AND (b = 2 OR c = 3)');
  });
  it('null, undefined, empty and blank expressions are skipped', () => {
    const a = ac(
      [{ layerFilterExpression: () => null }],
      [{ layerFilterExpression: () => undefined }],
      [{ layerFilterExpression: () => '' }],
      [{ layerFilterExpression: () => '   ' }],
      [{ layerFilterExpression: () => 'x > 0' }],
      [{}],
    );
    assert.equal(a.layerFilterExpression(ROADS), 'x > 0');
  });
  it('all skipped: null', () => {
    assert.equal(ac([{ layerFilterExpression: () => '' }], [new AccessControlFilter()]).layerFilterExpression(ROADS), null);
  });
  it('each filter is asked about the layer in question', () => {
    const a = ac([{ layerFilterExpression: (l: ServerLayer) => (l.name() === 'roads' ? 'public' : null) }]);
    assert.equal(a.layerFilterExpression(ROADS), 'public');
    assert.equal(a.layerFilterExpression(layer('rivers')), null);
  });
  it('subset strings are combined the same way, independently of expressions', () => {
    const a = ac(
      [{ layerFilterSubsetString: () => '"x" < 5', layerFilterExpression: () => 'e1' }],
      [{ layerFilterSubsetString: () => '"y" > 1' }],
    );
    assert.equal(a.layerFilterSubsetString(ROADS), '("x" < 5) AND ("y" > 1)');
    assert.equal(a.layerFilterExpression(ROADS), 'e1');
  });
});

describe('AccessControl.layerPermissions', () => {
  it('a right is granted only if every filter grants it', () => {
    const a = ac(
      [{ layerPermissions: () => ({ canRead: true, canInsert: false, canUpdate: true, canDelete: true }) }],
      [{ layerPermissions: () => ({ canRead: true, canInsert: true, canUpdate: true, canDelete: false }) }],
    );
    assert.deepEqual(perms(a.layerPermissions(ROADS)), { canRead: true, canInsert: false, canUpdate: true, canDelete: false });
  });
  it('a denial cannot be undone by a later filter', () => {
    const a = ac([{ layerPermissions: () => ({ canRead: false }) }, 1], [{ layerPermissions: () => new LayerPermissions() }, 2]);
    assert.equal(a.layerPermissions(ROADS).canRead, false);
  });
  it('rights a filter does not mention stay granted; null and undefined answers change nothing', () => {
    const a = ac(
      [{ layerPermissions: () => ({ canUpdate: false }) }],
      [{ layerPermissions: () => null }],
      [{ layerPermissions: () => undefined }],
      [{}],
    );
    assert.deepEqual(perms(a.layerPermissions(ROADS)), { canRead: true, canInsert: true, canUpdate: false, canDelete: true });
  });
  it('returns a LayerPermissions', () => {
    assert.ok(ac([{ layerPermissions: () => ({ canRead: false }) }]).layerPermissions(ROADS) instanceof LayerPermissions);
  });
  it('is computed per layer', () => {
    const a = ac([{ layerPermissions: (l: ServerLayer) => ({ canRead: l.name() !== 'secret' }) }]);
    assert.equal(a.layerPermissions(layer('secret')).canRead, false);
    assert.equal(a.layerPermissions(ROADS).canRead, true);
  });
});

describe('AccessControl.layerAttributes', () => {
  it('each filter narrows what the one before left', () => {
    const seen: string[][] = [];
    const a = ac(
      [{ authorizedLayerAttributes: (_l: ServerLayer, attrs: string[]) => { seen.push([...attrs]); return attrs.filter((x) => x !== 'salary'); } }, 1],
      [{ authorizedLayerAttributes: (_l: ServerLayer, attrs: string[]) => { seen.push([...attrs]); return attrs.filter((x) => x !== 'phone'); } }, 2],
    );
    assert.deepEqual(a.layerAttributes(ROADS, ['name', 'salary', 'phone', 'city']), ['name', 'city']);
    assert.deepEqual(seen, [['name', 'salary', 'phone', 'city'], ['name', 'phone', 'city']]);
  });
  it('a filter cannot add attributes the layer does not have or an earlier filter removed', () => {
    const a = ac(
      [{ authorizedLayerAttributes: () => ['name'] }, 1],
      [{ authorizedLayerAttributes: (_l: ServerLayer, attrs: string[]) => [...attrs, 'salary', 'ghost'] }, 2],
    );
    assert.deepEqual(a.layerAttributes(ROADS, ['name', 'salary']), ['name']);
  });
  it('keeps the layer\'s attribute order whatever order a filter answers in', () => {
    const a = ac([{ authorizedLayerAttributes: () => ['c', 'a'] }]);
    assert.deepEqual(a.layerAttributes(ROADS, ['a', 'b', 'c']), ['a', 'c']);
  });
  it('a filter mutating its input does not change the caller\'s array', () => {
    const input = ['a', 'b'];
    const a = ac([{ authorizedLayerAttributes: (_l: ServerLayer, attrs: string[]) => { attrs.length = 0; attrs.push('a'); return attrs; } }]);
    assert.deepEqual(a.layerAttributes(ROADS, input), ['a']);
    assert.deepEqual(input, ['a', 'b']);
  });
  it('filters without authorizedLayerAttributes leave the list as is', () => {
    assert.deepEqual(ac([{}], [new AccessControlFilter()]).layerAttributes(ROADS, ['x', 'y']), ['x', 'y']);
  });
});

describe('AccessControl.allowToEdit', () => {
  it('fails closed: a filter that returns anything but true (a forgotten return) refuses the edit', () => {
    const forgot = { allowToEdit: () => undefined } as unknown as AccessControlFilterLike;
    assert.equal(ac([forgot]).allowToEdit(ROADS, feature({})), false);
    assert.equal(ac([{ allowToEdit: () => 1 as unknown as boolean }]).allowToEdit(ROADS, feature({})), false);
  });
  it('true only if every filter allows', () => {
    const ownerOnly: AccessControlFilterLike = { allowToEdit: (_l, f) => f.attribute('owner') === 'bob' };
    const a = ac([{ allowToEdit: () => true }], [ownerOnly], [{}]);
    assert.equal(a.allowToEdit(ROADS, feature({ owner: 'bob' })), true);
    assert.equal(a.allowToEdit(ROADS, feature({ owner: 'eve' })), false);
  });
  it('one refusal is enough', () => {
    assert.equal(ac([{ allowToEdit: () => true }], [{ allowToEdit: () => false }]).allowToEdit(ROADS, feature({})), false);
  });
  it('filters get the layer and the feature', () => {
    const got: unknown[] = [];
    const f = feature({ fid: 3 });
    ac([{ allowToEdit: (l, feat) => { got.push(l, feat); return true; } }]).allowToEdit(ROADS, f);
    assert.deepEqual(got, [ROADS, f]);
  });
});

describe('AccessControl.cacheKey', () => {
  it('joins the filters\' keys with "-" in priority order', () => {
    const a = ac([{ cacheKey: () => 'user:bob' }, 5], [{ cacheKey: () => 'role:admin' }, 1]);
    assert.equal(a.cacheKey(), 'role:admin-user:bob');
  });
  it('is null as soon as one filter gives no key (null, undefined, empty) or has no cacheKey()', () => {
    for (const k of [null, undefined, '']) {
      assert.equal(ac([{ cacheKey: () => 'a' }], [{ cacheKey: () => k }]).cacheKey(), null, String(k));
    }
    assert.equal(ac([{ cacheKey: () => 'a' }], [{}]).cacheKey(), null);
  });
  it('the base filter gives no key, so it disables caching (as in QGIS)', () => {
    assert.equal(ac([new AccessControlFilter()]).cacheKey(), null);
  });
  it('is asked afresh each time', () => {
    let user = 'bob';
    const a = ac([{ cacheKey: () => user }]);
    assert.equal(a.cacheKey(), 'bob');
    user = 'eve';
    assert.equal(a.cacheKey(), 'eve');
  });
});

describe('AccessControlFilter (base class)', () => {
  const base = new AccessControlFilter();
  it('grants everything and caches nothing', () => {
    assert.equal(base.layerFilterExpression(ROADS), null);
    assert.equal(base.layerFilterSubsetString(ROADS), null);
    assert.deepEqual(perms(base.layerPermissions(ROADS)), ALL);
    const attrs = ['a', 'b'];
    assert.deepEqual(base.authorizedLayerAttributes(ROADS, attrs), ['a', 'b']);
    assert.equal(base.allowToEdit(ROADS, feature({})), true);
    assert.equal(base.cacheKey(), null);
  });
  it('exposes LayerPermissions as a static, QGIS style', () => {
    assert.equal(AccessControlFilter.LayerPermissions, LayerPermissions);
    assert.deepEqual(perms(new AccessControlFilter.LayerPermissions()), ALL);
  });
  it('a subclass overrides what it restricts, and the aggregate applies it', () => {
    class ReadOnlyRoads extends AccessControlFilter {
      override layerPermissions(l: ServerLayer): LayerPermissions {
        const p = super.layerPermissions(l);
        if (l.name() === 'roads') p.canInsert = p.canUpdate = p.canDelete = false;
        return p;
      }
      override cacheKey(): string {
        return 'ro';
      }
    }
    const a = ac([new ReadOnlyRoads()]);
    assert.deepEqual(perms(a.layerPermissions(ROADS)), { canRead: true, canInsert: false, canUpdate: false, canDelete: false });
    assert.deepEqual(perms(a.layerPermissions(layer('rivers'))), ALL);
    assert.equal(a.cacheKey(), 'ro');
  });
  it('serverInterface() returns the interface given, or throws without one', () => {
    const iface = {} as ServerInterface;
    assert.equal(new AccessControlFilter(iface).serverInterface(), iface);
    assert.throws(() => base.serverInterface(), /without a server interface/);
  });
});
