// Configuration of the Prisma 6.19 CLI, kept (as the npm alias prisma-migrate-cli) only for
// `prisma migrate diff` in scripts/new-migration.js: Prisma 7 needs its Rust schema engine for
// migrate, which cannot be downloaded on our machines; 6.19 diffs on the JavaScript engine through
// the pg adapter. Any reachable PostgreSQL will do (PRISMA_DIFF_URL).
import { defineConfig } from 'prisma-migrate-cli/config';
import { PrismaPg } from 'prisma-migrate-adapter-pg';

export default defineConfig({
  // new-migration.js points this at a copy of the schema with a placeholder datasource url (6.19 needs one).
  schema: process.env.PRISMA_MIGRATE_SCHEMA ?? 'schema.prisma',
  experimental: { adapter: true },
  engine: 'js',
  async adapter() {
    const url = process.env.PRISMA_DIFF_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54320/postgres';
    return new PrismaPg({ connectionString: url });
  },
});
