-- AlterTable
-- nextSlotMs stays: replicas of the previous build pace by it during a rolling deploy.
ALTER TABLE "TenantPace" ADD COLUMN     "recentMs" BIGINT[];
