import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * Builds the embeddable chat widget (widget/src → widget/dist/widget.js, served at /widget.js).
 * Runs from `npm run build` and from `npm ci` (the prepare script); the output is not committed.
 * Fails when the bundle passes its budget: it loads on every page of a company's site.
 */
const BUDGET_GZIP_BYTES = 40 * 1024;

const result = await build({
  entryPoints: [new URL('../widget/src/main.ts', import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  legalComments: 'none',
  write: false,
  logLevel: 'warning',
});
const code = result.outputFiles[0]!.contents;
const gzipped = gzipSync(code, { level: 9 }).length;
const outDir = new URL('../widget/dist/', import.meta.url);
mkdirSync(outDir, { recursive: true });
writeFileSync(new URL('widget.js', outDir), code);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
console.log(`widget/dist/widget.js: ${kb(code.length)} minified, ${kb(gzipped)} gzip (budget ${kb(BUDGET_GZIP_BYTES)})`);
if (gzipped > BUDGET_GZIP_BYTES) {
  console.error(`widget bundle is over its budget of ${kb(BUDGET_GZIP_BYTES)} gzip`);
  process.exit(1);
}
