import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

/**
 * Builds the agent console (console/src → console/dist, served at /console): first its API types
 * from the server's OpenAPI document, then the Vite bundle. Runs from `npm run build` and `npm ci`
 * (the prepare script); the output is not committed. Writes a .gz beside each script and
 * stylesheet, which the server sends to browsers that accept gzip, and fails when the scripts that
 * load with the page pass their budget: an agent opens the console many times a day, often on a phone.
 */
const BUDGET_GZIP_BYTES = 400 * 1024;

await import('./console-api-types.ts');
await build({ configFile: fileURLToPath(new URL('../console/vite.config.ts', import.meta.url)), logLevel: 'warn' });

const dist = new URL('../console/dist/', import.meta.url);
const assets = new URL('assets/', dist);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const gzippedSize = new Map<string, number>();
for (const name of readdirSync(assets).filter((n) => /\.(js|css)$/.test(n))) {
  const code = readFileSync(new URL(name, assets));
  const gzipped = gzipSync(code, { level: 9 });
  writeFileSync(new URL(`${name}.gz`, assets), gzipped);
  gzippedSize.set(`assets/${name}`, gzipped.length);
  console.log(`console/dist/assets/${name}: ${kb(code.length)} minified, ${kb(gzipped.length)} gzip`);
}
// What a person downloads on opening the console: the entry and what it imports statically. Pages
// behind a dynamic import (the dashboard's charts) load when opened, and are reported apart.
type Manifest = Record<string, { file: string; isEntry?: boolean; imports?: string[] }>;
const manifest = JSON.parse(readFileSync(new URL('.vite/manifest.json', dist), 'utf8')) as Manifest;
const initial = new Set<string>();
const visit = (key: string) => {
  const chunk = manifest[key]!;
  if (initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
const sum = (files: string[]) => files.reduce((total, file) => total + (gzippedSize.get(file) ?? 0), 0);
const scripts = [...gzippedSize.keys()].filter((f) => f.endsWith('.js'));
const scriptsGzipped = sum(scripts.filter((f) => initial.has(f)));
console.log(
  `console scripts loaded with the page: ${kb(scriptsGzipped)} gzip (budget ${kb(BUDGET_GZIP_BYTES)}); loaded when their page opens: ${kb(sum(scripts.filter((f) => !initial.has(f))))} gzip`,
);
if (scriptsGzipped > BUDGET_GZIP_BYTES) {
  console.error(`console scripts are over their budget of ${kb(BUDGET_GZIP_BYTES)} gzip`);
  process.exit(1);
}
