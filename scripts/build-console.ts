import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

/**
 * Builds the agent console (console/src → console/dist, served at /console): first its API types
 * from the server's OpenAPI document, then the Vite bundle. Runs from `npm run build` and `npm ci`
 * (the prepare script); the output is not committed. Writes a .gz beside each script and
 * stylesheet, which the server sends to browsers that accept gzip, and fails when the scripts pass
 * their budget: an agent opens the console many times a day, often on a phone.
 */
const BUDGET_GZIP_BYTES = 400 * 1024;

await import('./console-api-types.ts');
await build({ configFile: fileURLToPath(new URL('../console/vite.config.ts', import.meta.url)), logLevel: 'warn' });

const assets = new URL('../console/dist/assets/', import.meta.url);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
let scriptsGzipped = 0;
for (const name of readdirSync(assets).filter((n) => /\.(js|css)$/.test(n))) {
  const code = readFileSync(new URL(name, assets));
  const gzipped = gzipSync(code, { level: 9 });
  writeFileSync(new URL(`${name}.gz`, assets), gzipped);
  if (name.endsWith('.js')) scriptsGzipped += gzipped.length;
  console.log(`console/dist/assets/${name}: ${kb(code.length)} minified, ${kb(gzipped.length)} gzip`);
}
console.log(`console scripts: ${kb(scriptsGzipped)} gzip in all (budget ${kb(BUDGET_GZIP_BYTES)})`);
if (scriptsGzipped > BUDGET_GZIP_BYTES) {
  console.error(`console scripts are over their budget of ${kb(BUDGET_GZIP_BYTES)} gzip`);
  process.exit(1);
}
