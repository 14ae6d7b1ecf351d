-- AlterTable
ALTER TABLE "TenantPace" DROP COLUMN "nextSlotMs",
ADD COLUMN     "recentMs" BIGINT[];

