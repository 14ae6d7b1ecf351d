// Prisma CLI configuration (Prisma 7: `prisma generate` only). Migrations are applied by
// services/db/migrate.ts; new ones are written by scripts/new-migration.js with the 6.19 CLI
// (prisma/migrate.config.ts), because Prisma 7 no longer runs migrate through a driver adapter.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
});
