import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PriorityRegistry, nameOf } from '../../src/filters/priority-registry.js';
import type { Logger } from '../../src/server/logger.js';

/** A logger that records info() calls. */
function recordingLogger(): { log: Logger; lines: Array<{ obj: Record<string, unknown>; msg: string }> } {
  const lines: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  const log = { info: (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg }) } as unknown as Logger;
  return { log, lines };
}

describe('PriorityRegistry', () => {
  it('lists items lower priority first', () => {
    const r = new PriorityRegistry<string>('thing');
    r.register('c', 30);
    r.register('a', -5);
    r.register('b', 10);
    assert.deepEqual(r.list(), ['a', 'b', 'c']);
  });
  it('keeps registration order for equal priorities', () => {
    const r = new PriorityRegistry<string>('thing');
    r.register('first', 1);
    r.register('x', 0);
    r.register('second', 1);
    r.register('third', 1);
    r.register('y', 2);
    assert.deepEqual(r.list(), ['x', 'first', 'second', 'third', 'y']);
  });
  it('default priority is 0', () => {
    const r = new PriorityRegistry<string>('thing');
    r.register('pos', 1);
    r.register('zero');
    r.register('neg', -1);
    assert.deepEqual(r.list(), ['neg', 'zero', 'pos']);
  });
  it('accepts fractional priorities', () => {
    const r = new PriorityRegistry<string>('thing');
    r.register('b', 0.5);
    r.register('a', 0.25);
    assert.deepEqual(r.list(), ['a', 'b']);
  });
  it('refuses a priority that is not a finite number', () => {
    const r = new PriorityRegistry<string>('filter');
    for (const p of [Number.NaN, Infinity, -Infinity]) assert.throws(() => r.register('x', p), TypeError);
    assert.throws(() => r.register('x', '5' as unknown as number), /filter priority must be a number/);
    assert.equal(r.size, 0);
  });
  it('unregister removes the item and says whether it was there', () => {
    const a = { id: 'a' };
    const b = { id: 'b' };
    const r = new PriorityRegistry<object>('thing');
    r.register(a);
    r.register(b);
    assert.equal(r.unregister(a), true);
    assert.deepEqual(r.list(), [b]);
    assert.equal(r.unregister(a), false);
    assert.equal(r.size, 1);
  });
  it('list() is a copy', () => {
    const r = new PriorityRegistry<string>('thing');
    r.register('a');
    r.list().push('b');
    assert.deepEqual(r.list(), ['a']);
  });
  it('byPriority groups items by priority, ascending, in registration order', () => {
    const r = new PriorityRegistry<string>('thing');
    r.register('p10a', 10);
    r.register('p0', 0);
    r.register('p10b', 10);
    r.register('pm1', -1);
    const m = r.byPriority();
    assert.deepEqual([...m.keys()], [-1, 0, 10]);
    assert.deepEqual(m.get(10), ['p10a', 'p10b']);
    assert.deepEqual(m.get(0), ['p0']);
  });
  it('size counts the items', () => {
    const r = new PriorityRegistry<number>('thing');
    assert.equal(r.size, 0);
    r.register(1);
    r.register(2);
    assert.equal(r.size, 2);
  });
  it('logs each registration with kind, name and priority', () => {
    const { log, lines } = recordingLogger();
    const r = new PriorityRegistry<object>('access control', log);
    class MyFilter {}
    r.register(new MyFilter(), 7);
    assert.equal(lines.length, 1);
    assert.deepEqual(lines[0]!.obj, { kind: 'access control', name: 'MyFilter', priority: 7 });
    assert.match(lines[0]!.msg, /access control/);
  });
});

describe('nameOf', () => {
  it('uses a name() method', () => {
    assert.equal(nameOf({ name: () => 'from-method' }), 'from-method');
    class Named {
      name(): string {
        return `named-${this.constructor.name}`;
      }
    }
    assert.equal(nameOf(new Named()), 'named-Named', 'name() is called with its object as this');
  });
  it('uses a name string', () => {
    assert.equal(nameOf({ name: 'plain' }), 'plain');
  });
  it('falls back to the class name', () => {
    class CacheThing {}
    assert.equal(nameOf(new CacheThing()), 'CacheThing');
  });
  it('falls back to the class name when name() throws', () => {
    class Broken {
      name(): string {
        throw new Error('nope');
      }
    }
    assert.equal(nameOf(new Broken()), 'Broken');
  });
  it('is "anonymous" for plain objects and non-objects', () => {
    assert.equal(nameOf({}), 'anonymous');
    assert.equal(nameOf(Object.create(null)), 'anonymous');
    for (const v of [null, undefined, 5, 'str']) assert.equal(nameOf(v), 'anonymous');
  });
});
