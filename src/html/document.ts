import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * One self-contained HTML file: uPlot (read from node_modules at render time) and the page's own
 * script inlined, the data as a JSON block, and a Content-Security-Policy that forbids every network
 * request, so the file opens offline and cannot call out even if some text in it tried to.
 */

const require = createRequire(import.meta.url);
let uplot: { js: string; css: string } | null = null;

function uplotAssets(): { js: string; css: string } {
  uplot ??= {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return uplot;
}

const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

/** Text for HTML content or a quoted attribute. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that cannot end its <script> block early (no `<`, no line separators JavaScript would trip on). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A closing tag inside inlined code would end its element early. */
function inlineSafe(code: string, tag: 'script' | 'style'): string {
  return code.replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`);
}

export interface HtmlPage {
  title: string;
  body: string;
  data: unknown;
  /** A function of the parsed data, run once the page has loaded (its source is inlined). */
  main: (data: any) => void;
}

export function htmlDocument(p: HtmlPage): string {
  const { js, css } = uplotAssets();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.title)}</title>
<style>${inlineSafe(css, 'style')}</style>
<style>${STYLE}</style>
</head>
<body>
${p.body}
<script id="page-data" type="application/json">${scriptJson(p.data)}</script>
<script>${inlineSafe(js, 'script')}</script>
<script>(${inlineSafe(p.main.toString(), 'script')})(JSON.parse(document.getElementById('page-data').textContent));</script>
</body>
</html>
`;
}

const STYLE = `
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 0 auto; max-width: 1240px; padding: 16px 24px; color: #1d2330; }
h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #dde1e8; padding-bottom: 4px; }
.meta { color: #5b6474; font-size: 13px; } .status-completed { color: #1a7f37; } .status-failed, .status-interrupted, .status-running { color: #c0392b; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0; } th, td { padding: 3px 10px; text-align: right; border-bottom: 1px solid #eef0f4; }
th:first-child, td:first-child { text-align: left; } th { background: #f5f7fa; font-weight: 600; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 12px 20px; }
.chart { min-height: 300px; } .warn { color: #b3261e; } .note { color: #0b6e99; } .pass { color: #1a7f37; } .fail { color: #c0392b; }
pre { background: #f5f7fa; padding: 10px; overflow-x: auto; font-size: 12px; } .low { color: #8a8f98; }
`;
