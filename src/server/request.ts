import { ParameterMap } from './parameter-map.js';

/** Request headers as given: a value or a list of values per name. */
export type HeaderInput = Record<string, string | string[] | undefined>;

/** One incoming request, whatever the transport: method, URL, headers, body, KVP parameters (QgsServerRequest). */
export class ServerRequest {
  readonly #url: URL;
  readonly #method: string;
  readonly #headers = new Map<string, string>();
  readonly #body: Buffer;
  readonly #params: ParameterMap;

  constructor(url: string | URL, method = 'GET', headers: HeaderInput = {}, body?: Buffer | Uint8Array | string | null) {
    this.#url = new URL(url, 'http://localhost/');
    this.#method = method.toUpperCase();
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) this.#headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
    }
    this.#body = body == null ? Buffer.alloc(0) : typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
    this.#params = new ParameterMap();
    for (const [k, v] of this.#url.searchParams) if (!this.#params.has(k)) this.#params.set(k, v);
    // A form POST carries its KVP in the body, as WMS/WFS clients send them.
    if (this.#method === 'POST' && /^application\/x-www-form-urlencoded/i.test(this.header('content-type') ?? '')) {
      for (const [k, v] of new URLSearchParams(this.#body.toString('utf8'))) if (!this.#params.has(k)) this.#params.set(k, v);
    }
  }

  /** The full request URL. */
  url(): URL {
    return new URL(this.#url);
  }
  /** The URL path. */
  path(): string {
    return this.#url.pathname;
  }
  /** The HTTP method, upper-case. */
  method(): string {
    return this.#method;
  }
  /** A request header by case-insensitive name. */
  header(name: string): string | undefined {
    return this.#headers.get(name.toLowerCase());
  }
  /** All request headers (lower-case names). */
  headers(): Record<string, string> {
    return Object.fromEntries(this.#headers);
  }
  /** Sets a request header (filters may do this in requestReady). */
  setHeader(name: string, value: string): void {
    this.#headers.set(name.toLowerCase(), value);
  }
  /** The request body. */
  data(): Buffer {
    return this.#body;
  }
  /** The KVP parameters (case-insensitive names). */
  parameters(): ParameterMap {
    return this.#params;
  }
  /** One parameter by case-insensitive name. */
  parameter(name: string, defaultValue?: string): string | undefined {
    return this.#params.get(name) ?? defaultValue;
  }
  /** Sets a parameter. */
  setParameter(name: string, value: string): void {
    this.#params.set(name, value);
  }
  /** Removes a parameter. */
  removeParameter(name: string): void {
    this.#params.delete(name);
  }
}

/** A request built in memory, for embedding and tests (QgsBufferServerRequest). */
export class BufferRequest extends ServerRequest {
  constructor(url: string | URL, method = 'GET', headers: HeaderInput = {}, body?: Buffer | Uint8Array | string | null) {
    super(url, method, headers, body);
  }
}
