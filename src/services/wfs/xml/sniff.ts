/**
 * Cheap look at a POST body before the safe parser runs: whether it is XML, and the root element's local
 * name and its service / version attributes, so the server can route an XML POST that has no SERVICE in the
 * URL (OWSLib and GDAL post to the bare endpoint). Nothing here expands or trusts the document.
 */
import type { ServerRequest } from '../../../server/request.js';

/** Whether a POST body is an XML document (by Content-Type, else by its first character). */
export function isXmlBody(request: ServerRequest): boolean {
  const type = (request.header('content-type') ?? '').toLowerCase();
  if (/x-www-form-urlencoded|multipart\//.test(type)) return false;
  if (/\bxml\b|\+xml/.test(type)) return true;
  const head = request.data().subarray(0, 64).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return head.startsWith('<');
}

/** The root element of an XML body as seen by a regular expression on its first 4 KiB: local name and attributes. */
export function sniffRoot(body: Buffer): { local: string; service?: string; version?: string } | null {
  let text = body.subarray(0, 4096).toString('utf8').replace(/^\uFEFF/, '');
  // Skip the XML declaration, comments, processing instructions and a DOCTYPE before the root.
  for (;;) {
    text = text.trimStart();
    if (text.startsWith('<?')) {
      const end = text.indexOf('?>');
      if (end < 0) return null;
      text = text.slice(end + 2);
    } else if (text.startsWith('<!--')) {
      const end = text.indexOf('-->');
      if (end < 0) return null;
      text = text.slice(end + 3);
    } else if (/^<!DOCTYPE/i.test(text)) {
      // Skipped only to find the root (the safe parser refuses the document): the internal subset ends at "]>".
      const bracket = text.indexOf('[');
      const gt = text.indexOf('>');
      const end = bracket >= 0 && bracket < gt ? text.indexOf(']', bracket) : gt;
      if (end < 0) return null;
      const close = text.indexOf('>', end);
      if (close < 0) return null;
      text = text.slice(close + 1);
    } else break;
  }
  const m = /^<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)([^>]*)>/.exec(text);
  if (!m) return null;
  const attrs = m[3] ?? '';
  const get = (name: string) => new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs);
  const service = get('service');
  const version = get('version');
  return {
    local: m[2]!,
    ...(service ? { service: service[1] ?? service[2]! } : {}),
    ...(version ? { version: version[1] ?? version[2]! } : {}),
  };
}
