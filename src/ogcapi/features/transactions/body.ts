/**
 * The request body of an edit (Part 4): within the server's size limit (413, also checked by the transports
 * before the body reaches the server), in a media type the operation takes (415 otherwise, with the types it
 * takes in Accept-Post / Accept-Patch), UTF-8 JSON (400 otherwise).
 */
import { OgcError } from '../../../errors/ogc-error.js';
import type { ApiContext } from '../../context.js';

/** The media types of a feature in a POST or PUT body. */
export const FEATURE_MEDIA_TYPES: readonly string[] = ['application/geo+json', 'application/json'];
/** The media types of a PATCH body: a JSON Merge Patch (RFC 7396) of the GeoJSON feature. */
export const PATCH_MEDIA_TYPES: readonly string[] = ['application/merge-patch+json', 'application/geo+json', 'application/json'];

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON document of the request body. `accepted` are the media types the operation takes; `acceptHeader`
 * names the response header that lists them on a 415 (Accept-Post for POST, Accept-Patch for PATCH).
 */
export function jsonBody(context: ApiContext, accepted: readonly string[], acceptHeader?: string): unknown {
  const req = context.request();
  const body = req.data();
  const limit = context.serverInterface().settings().maxBodySize;
  if (body.byteLength > limit) throw new OgcError('PayloadTooLarge', `The request body (${body.byteLength} bytes) is over the limit of ${limit} bytes`);
  const given = req.header('content-type');
  const [type = '', ...params] = (given ?? '').split(';').map((s) => s.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/^"|"$/g, '');
  if (!accepted.includes(type) || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
    const headers: Record<string, string> = acceptHeader ? { [acceptHeader]: accepted.join(', ') } : {};
    const what = given === undefined ? 'no Content-Type' : `Content-Type '${given.slice(0, 100)}'`;
    throw new OgcError('UnsupportedMediaType', `A body with ${what} is not taken here; send one of: ${accepted.join(', ')} (UTF-8)`, { status: 415, headers });
  }
  if (body.byteLength === 0) throw new OgcError('OperationParsingFailed', 'The request has no body');
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new OgcError('OperationParsingFailed', 'The request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new OgcError('OperationParsingFailed', `The request body is not valid JSON: ${err instanceof Error ? err.message.slice(0, 200) : 'parse error'}`);
  }
}
