// Prisma CLI configuration. The CLI's Rust schema engine cannot be downloaded on our machines, so
// `prisma migrate diff` runs on the JavaScript engine through the pg adapter. It only needs a
// reachable server (any PostgreSQL: PRISMA_DIFF_URL, default the embedded one from `npm start`).
// Migrations are applied by services/db/migrate.ts, not by `prisma migrate deploy`.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  experimental: { adapter: true },
  engine: 'js',
  async adapter() {
    const url = process.env.PRISMA_DIFF_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54320/postgres';
    return new PrismaPg({ connectionString: url });
  },
});
