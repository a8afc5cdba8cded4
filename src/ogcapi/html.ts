/**
 * HTML helpers of the OGC API framework: escaping for text and attributes, JSON that is safe inside a
 * <script> element, and the plain template renderer handlers fall back on.
 */

/** Escapes text for HTML (element content and quoted attribute values). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * JSON for a `<script type="application/json">` element: `<`, `>` and `&` are written as \u escapes (so no
 * value can close the script with "</script>" or open a comment with "<!--"), as are U+2028 / U+2029. The
 * result is still JSON and parses to the same value.
 */
export function jsonForScript(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Renders an HTML page: a template's `{{ dotted.name }}` placeholders are replaced by escaped values;
 * without a template, a plain page shows the title and the data as JSON.
 */
export function renderHtml(template: string | null, vars: Record<string, unknown>): string {
  if (template !== null) {
    return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_m, name: string) => {
      const v = name.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), vars);
      return v === undefined || v === null ? '' : escapeHtml(typeof v === 'object' ? JSON.stringify(v) : String(v));
    });
  }
  const title = escapeHtml(String(vars['title'] ?? ''));
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>\n` +
    `<body><h1>${title}</h1><pre>${escapeHtml(String(vars['json'] ?? ''))}</pre></body></html>\n`;
}
