/** Escapes text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
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
