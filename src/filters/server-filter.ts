import type { RequestHandler } from '../server/request-handler.js';
import type { ServerInterface } from '../server/server-interface.js';
import { PriorityRegistry } from './priority-registry.js';

/** The I/O filter hooks, listed once; one runner serves them all (Fastify's lifecycle-as-data). */
export const FILTER_HOOKS = ['requestReady', 'sendResponse', 'responseComplete'] as const;
/** One I/O filter hook name. */
export type FilterHook = (typeof FILTER_HOOKS)[number];

type MaybePromise<T> = T | Promise<T>;

/**
 * What an I/O filter may implement (duck typing: a plain object will do). `onX` returning false
 * stops the chain of filters; a false `onSendResponse` also keeps a streamed chunk buffered, as in QGIS.
 */
export interface ServerFilterLike {
  requestReady?(handler: RequestHandler): MaybePromise<void>;
  sendResponse?(handler: RequestHandler): MaybePromise<void>;
  responseComplete?(handler: RequestHandler): MaybePromise<void>;
  onRequestReady?(handler: RequestHandler): MaybePromise<boolean | void>;
  onSendResponse?(handler: RequestHandler): MaybePromise<boolean | void>;
  onResponseComplete?(handler: RequestHandler): MaybePromise<boolean | void>;
}

/** Base class for I/O filters (QgsServerFilter). */
export class ServerFilter implements ServerFilterLike {
  constructor(private readonly iface?: ServerInterface) {}
  /** The server interface given at construction. */
  serverInterface(): ServerInterface {
    if (!this.iface) throw new Error('this filter was constructed without a server interface');
    return this.iface;
  }
  requestReady(_handler: RequestHandler): MaybePromise<void> {}
  sendResponse(_handler: RequestHandler): MaybePromise<void> {}
  responseComplete(_handler: RequestHandler): MaybePromise<void> {}
  async onRequestReady(handler: RequestHandler): Promise<boolean> {
    await this.requestReady(handler);
    return true;
  }
  async onSendResponse(handler: RequestHandler): Promise<boolean> {
    await this.sendResponse(handler);
    return true;
  }
  async onResponseComplete(handler: RequestHandler): Promise<boolean> {
    await this.responseComplete(handler);
    return true;
  }
}

const ON_NAME: Record<FilterHook, 'onRequestReady' | 'onSendResponse' | 'onResponseComplete'> = {
  requestReady: 'onRequestReady',
  sendResponse: 'onSendResponse',
  responseComplete: 'onResponseComplete',
};

/** Calls one hook on one filter; false means "stop the chain". */
async function callHook(filter: ServerFilterLike, hook: FilterHook, handler: RequestHandler): Promise<boolean> {
  const on = filter[ON_NAME[hook]];
  if (typeof on === 'function') return (await on.call(filter, handler)) !== false;
  const plain = filter[hook];
  if (typeof plain === 'function') await plain.call(filter, handler);
  return true;
}

/** The I/O filters in priority order, and the runner for their hooks. */
export class FilterRegistry extends PriorityRegistry<ServerFilterLike> {
  /** Runs a hook on every filter, lower priority first; returns false if a filter stopped the chain. */
  async run(hook: FilterHook, handler: RequestHandler): Promise<boolean> {
    for (const filter of this.list()) {
      if (!(await callHook(filter, hook, handler))) return false;
    }
    return true;
  }
}
