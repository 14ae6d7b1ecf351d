-- AlterTable
ALTER TABLE "Claim" ADD COLUMN     "reviewEscalatedAt" TIMESTAMP(3),
ADD COLUMN     "reviewRemindedAt" TIMESTAMP(3),
ADD COLUMN     "reviewerId" TEXT;

-- AddForeignKey
ALTER TABLE "Claim" ADD CONSTRAINT "Claim_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

