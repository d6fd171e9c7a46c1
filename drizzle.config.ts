import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/station-server/src/database/schema.ts',
  out: './apps/station-server/src/database/migrations',
});
