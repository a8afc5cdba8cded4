/**
 * The style sheet of the HTML pages (served as /assets/features.css), a string constant for the same reason
 * as the page script: tsc copies no asset to dist. Plain and readable; the map box is 100 % × 400 px.
 */
/** The style sheet, as served. */
export const PAGE_STYLE = `/* ows-server: HTML pages of OGC API - Features. */
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --accent: #1f6fb2; --band: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); }
header { background: var(--band); border-bottom: 1px solid var(--line); padding: 0.75rem 1.5rem; }
header h1 { margin: 0.25rem 0; font-size: 1.5rem; }
main { padding: 1rem 1.5rem 2rem; max-width: 80rem; }
a { color: var(--accent); }
nav.breadcrumb ol { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; font-size: 0.9rem; }
nav.breadcrumb li + li::before { content: "\\203A"; padding: 0 0.5rem; color: var(--muted); }
nav.breadcrumb [aria-current] { color: var(--muted); }
h2 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
table { border-collapse: collapse; margin: 0.5rem 0; width: 100%; }
th, td { border: 1px solid var(--line); padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: var(--band); font-weight: 600; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
td .null { color: var(--muted); font-style: italic; }
.table-wrap { overflow-x: auto; }
ul.links { padding-left: 1.2rem; }
ul.links .meta { color: var(--muted); font-size: 0.85rem; }
.summary { color: var(--muted); }
.paging { display: flex; gap: 1rem; margin: 0.5rem 0; }
.map { width: 100%; height: 400px; background: #e8eef3; border: 1px solid var(--line); }
.map.preview { height: 70vh; min-height: 400px; }
.map-status { color: #8a4b00; margin: 0.25rem 0; }
.layers { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
`;
