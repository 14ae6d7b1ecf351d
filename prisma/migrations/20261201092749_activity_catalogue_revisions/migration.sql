-- The activity catalogue becomes versioned reference data (services/catalogue): one row per revision
-- of a catalogue entry, claims keep the row they were created with. Caps move into "rules" (JSON with
-- per-program exceptions). Rows written before this migration keep contentHash '' and are brought up to
-- the catalogue in place by the first start after it (services/catalogue/apply.ts).
-- DropIndex
DROP INDEX "ActivityType_code_key";

-- AlterTable
ALTER TABLE "ActivityType" DROP COLUMN "capMinor",
DROP COLUMN "capPercentOfEarned",
ADD COLUMN     "contentHash" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "retiredAt" TIMESTAMP(3),
ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "rules" JSONB NOT NULL DEFAULT '{}';

-- CreateIndex
CREATE UNIQUE INDEX "ActivityType_code_revision_key" ON "ActivityType"("code", "revision");


-- At most one offered (not retired) revision per code. Prisma's schema language cannot express a
-- partial index, so it is written by hand (schema diffs leave it alone).
CREATE UNIQUE INDEX "ActivityType_current_code_key" ON "ActivityType"("code") WHERE "retiredAt" IS NULL;
