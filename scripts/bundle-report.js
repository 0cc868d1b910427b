// Build step (npm run build): bundle the report page's script and stylesheet (src/report/page/) with
// esbuild into dist/report/page.js and dist/report/page.css. src/cli/report-assets.ts reads them and
// the renderer inlines them into every report, hashed into its Content-Security-Policy.
//
// One IIFE for current browsers (es2020: Chromium, Firefox and Safari of the last few years), minified:
// the script is part of every report page, and the page is read from disk, not a server.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const common = { bundle: true, minify: true, legalComments: 'none', logLevel: 'warning', charset: 'utf8' };

await build({
  ...common,
  entryPoints: [path.join(ROOT, 'src/report/page/page.ts')],
  outfile: path.join(ROOT, 'dist/report/page.js'),
  format: 'iife',
  target: 'es2020',
  platform: 'browser',
  tsconfig: path.join(ROOT, 'src/report/page/tsconfig.json'),
});
await build({
  ...common,
  entryPoints: [path.join(ROOT, 'src/report/page/page.css')],
  outfile: path.join(ROOT, 'dist/report/page.css'),
  target: ['chrome100', 'firefox100', 'safari15'],
});

// The bundle is inlined in a <script> element: a "</script" or "<!--" inside it would end or alter
// the element (HTML §4.12.1.3). esbuild escapes them in strings; this check keeps it that way.
const fs = await import('node:fs');
const script = fs.readFileSync(path.join(ROOT, 'dist/report/page.js'), 'utf8');
const css = fs.readFileSync(path.join(ROOT, 'dist/report/page.css'), 'utf8');
if (/<\/script|<!--/i.test(script) || /<\/style/i.test(css)) {
  process.stderr.write('scripts/bundle-report.js: the bundled page script or stylesheet contains </script, <!-- or </style\n');
  process.exit(1);
}
