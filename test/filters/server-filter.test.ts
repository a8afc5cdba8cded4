import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FilterRegistry, ServerFilter, FILTER_HOOKS, type ServerFilterLike, type FilterHook } from '../../src/filters/server-filter.js';
import { RequestHandler } from '../../src/server/request-handler.js';
import { BufferRequest } from '../../src/server/request.js';
import { BufferResponse } from '../../src/server/response.js';
import type { ServerInterface } from '../../src/server/server-interface.js';

function handler(url = '/?SERVICE=WMS'): RequestHandler {
  return new RequestHandler(new BufferRequest(url), new BufferResponse(), () => ({ format: 'json' }));
}
const tick = () => new Promise<void>((r) => setImmediate(r));

/** A filter that records its calls in `log` and answers `result` from its onX hooks. */
function recorder(name: string, log: string[], result: boolean | void = true): ServerFilterLike {
  const on = (hook: string) => async () => {
    log.push(`${name}.${hook}`);
    return result;
  };
  return { onRequestReady: on('requestReady'), onSendResponse: on('sendResponse'), onResponseComplete: on('responseComplete') };
}

describe('FILTER_HOOKS', () => {
  it('lists the three I/O hooks in pipeline order', () => {
    assert.deepEqual([...FILTER_HOOKS], ['requestReady', 'sendResponse', 'responseComplete']);
  });
});

describe('FilterRegistry.run', () => {
  it('with no filters is true', async () => {
    assert.equal(await new FilterRegistry('filter').run('requestReady', handler()), true);
  });

  it('runs filters lower priority first, each hook by its name', async () => {
    const log: string[] = [];
    const reg = new FilterRegistry('filter');
    reg.register(recorder('c', log), 100);
    reg.register(recorder('a', log), -1);
    reg.register(recorder('b', log), 0);
    for (const hook of FILTER_HOOKS) assert.equal(await reg.run(hook, handler()), true);
    assert.deepEqual(log, [
      'a.requestReady', 'b.requestReady', 'c.requestReady',
      'a.sendResponse', 'b.sendResponse', 'c.sendResponse',
      'a.responseComplete', 'b.responseComplete', 'c.responseComplete',
    ]);
  });

  it('is stable for equal priorities', async () => {
    const log: string[] = [];
    const reg = new FilterRegistry('filter');
    for (const n of ['one', 'two', 'three', 'four']) reg.register(recorder(n, log), 5);
    await reg.run('requestReady', handler());
    assert.deepEqual(log, ['one.requestReady', 'two.requestReady', 'three.requestReady', 'four.requestReady']);
  });

  it('an onX returning false stops the chain and run returns false', async () => {
    const log: string[] = [];
    const reg = new FilterRegistry('filter');
    reg.register(recorder('a', log), 1);
    reg.register(recorder('stopper', log, false), 2);
    reg.register(recorder('never', log), 3);
    assert.equal(await reg.run('sendResponse', handler()), false);
    assert.deepEqual(log, ['a.sendResponse', 'stopper.sendResponse']);
  });

  it('only a literal false stops: undefined, null, 0 and "" continue', async () => {
    for (const value of [undefined, null, 0, '']) {
      const log: string[] = [];
      const reg = new FilterRegistry('filter');
      reg.register({ onRequestReady: () => value as unknown as boolean });
      reg.register(recorder('next', log));
      assert.equal(await reg.run('requestReady', handler()), true, String(value));
      assert.deepEqual(log, ['next.requestReady']);
    }
  });

  it('a synchronous false stops the chain too', async () => {
    const log: string[] = [];
    const reg = new FilterRegistry('filter');
    reg.register({ onResponseComplete: () => false });
    reg.register(recorder('never', log));
    assert.equal(await reg.run('responseComplete', handler()), false);
    assert.deepEqual(log, []);
  });

  it('calls the plain hook of a duck-typed object, with the object as this and the handler', async () => {
    const h = handler();
    const seen: unknown[] = [];
    const filter = {
      tag: 'plain',
      requestReady(this: { tag: string }, got: RequestHandler) {
        seen.push(this.tag, got);
      },
    };
    const reg = new FilterRegistry('filter');
    reg.register(filter);
    assert.equal(await reg.run('requestReady', h), true);
    assert.deepEqual(seen, ['plain', h]);
  });

  it('a plain hook cannot stop the chain, whatever it returns', async () => {
    const log: string[] = [];
    const reg = new FilterRegistry('filter');
    reg.register({ sendResponse: () => false as unknown as void });
    reg.register(recorder('next', log));
    assert.equal(await reg.run('sendResponse', handler()), true);
    assert.deepEqual(log, ['next.sendResponse']);
  });

  it('prefers onX over the plain hook when an object has both', async () => {
    const log: string[] = [];
    const reg = new FilterRegistry('filter');
    reg.register({
      requestReady: () => void log.push('plain'),
      onRequestReady: () => {
        log.push('on');
        return true;
      },
    });
    await reg.run('requestReady', handler());
    assert.deepEqual(log, ['on']);
  });

  it('skips filters that do not implement the hook', async () => {
    const log: string[] = [];
    const reg = new FilterRegistry('filter');
    reg.register({});
    reg.register({ responseComplete: () => void log.push('rc') });
    assert.equal(await reg.run('requestReady', handler()), true);
    assert.deepEqual(log, []);
  });

  it('awaits each async hook before the next filter starts', async () => {
    const log: string[] = [];
    const reg = new FilterRegistry('filter');
    reg.register({
      async requestReady() {
        log.push('slow:start');
        await tick();
        await tick();
        log.push('slow:end');
      },
    });
    reg.register({
      async onRequestReady() {
        log.push('fast');
        return true;
      },
    });
    await reg.run('requestReady', handler());
    assert.deepEqual(log, ['slow:start', 'slow:end', 'fast']);
  });

  it('an async false stops the chain after the await', async () => {
    const log: string[] = [];
    const reg = new FilterRegistry('filter');
    reg.register({
      async onSendResponse() {
        await tick();
        return false;
      },
    });
    reg.register(recorder('never', log));
    assert.equal(await reg.run('sendResponse', handler()), false);
    assert.deepEqual(log, []);
  });

  it('lets a hook error reject run, and later filters do not run', async () => {
    const log: string[] = [];
    const reg = new FilterRegistry('filter');
    reg.register({
      requestReady() {
        throw new Error('filter broke');
      },
    });
    reg.register(recorder('never', log));
    await assert.rejects(reg.run('requestReady', handler()), /filter broke/);
    assert.deepEqual(log, []);
  });

  it('filters see each other\'s changes through the handler', async () => {
    const reg = new FilterRegistry('filter');
    reg.register({ requestReady: (h: RequestHandler) => h.setParameter('layers', 'roads') }, 1);
    let seen: string | undefined;
    reg.register({ requestReady: (h: RequestHandler) => void (seen = h.parameter('LAYERS')) }, 2);
    await reg.run('requestReady', handler());
    assert.equal(seen, 'roads');
  });

  it('an unregistered filter no longer runs', async () => {
    const log: string[] = [];
    const reg = new FilterRegistry('filter');
    const f = recorder('gone', log);
    reg.register(f);
    reg.unregister(f);
    await reg.run('requestReady', handler());
    assert.deepEqual(log, []);
  });
});

describe('ServerFilter (base class)', () => {
  it('onX calls the overridden plain hook and continues', async () => {
    const log: string[] = [];
    class MyFilter extends ServerFilter {
      override async requestReady(h: RequestHandler) {
        await tick();
        log.push(`ready:${h.parameter('service')}`);
      }
      override responseComplete() {
        log.push('complete');
      }
    }
    const f = new MyFilter();
    const h = handler('/?service=WFS');
    assert.equal(await f.onRequestReady(h), true);
    assert.equal(await f.onSendResponse(h), true);
    assert.equal(await f.onResponseComplete(h), true);
    assert.deepEqual(log, ['ready:WFS', 'complete']);
  });

  it('the base hooks do nothing and the chain goes on', async () => {
    const log: string[] = [];
    const reg = new FilterRegistry('filter');
    reg.register(new ServerFilter());
    reg.register(recorder('next', log));
    for (const hook of FILTER_HOOKS as readonly FilterHook[]) assert.equal(await reg.run(hook, handler()), true);
    assert.equal(log.length, 3);
  });

  it('a subclass overriding onX can stop the chain', async () => {
    const log: string[] = [];
    class Gate extends ServerFilter {
      override async onRequestReady(): Promise<boolean> {
        return false;
      }
    }
    const reg = new FilterRegistry('filter');
    reg.register(new Gate());
    reg.register(recorder('never', log));
    assert.equal(await reg.run('requestReady', handler()), false);
    assert.deepEqual(log, []);
  });

  it('serverInterface() returns the interface it was given', () => {
    const iface = { tag: 'iface' } as unknown as ServerInterface;
    assert.equal(new ServerFilter(iface).serverInterface(), iface);
  });

  it('serverInterface() throws when constructed without one', () => {
    assert.throws(() => new ServerFilter().serverInterface(), /without a server interface/);
  });
});
