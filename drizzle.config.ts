import { defineConfig } from 'drizzle-kit';

// Generates SQL migrations from src/db/schema.ts. The same files serve PostgreSQL and PGlite.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './migrations',
});
