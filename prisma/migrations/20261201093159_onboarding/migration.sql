-- CreateEnum
CREATE TYPE "ReviewScope" AS ENUM ('OWN', 'ALL', 'NONE');

-- CreateEnum
CREATE TYPE "PendingUploadPurpose" AS ENUM ('DOCUMENT', 'FUNDS_IMPORT');

-- CreateEnum
CREATE TYPE "FundsImportStatus" AS ENUM ('PREVIEW', 'APPLIED', 'CANCELLED', 'SUPERSEDED');

-- DropForeignKey
ALTER TABLE "PendingUpload" DROP CONSTRAINT "PendingUpload_claimId_fkey";

-- AlterTable
ALTER TABLE "Organisation" ADD COLUMN     "reviewScope" "ReviewScope" NOT NULL DEFAULT 'OWN';

-- AlterTable
ALTER TABLE "Location" ADD COLUMN     "active" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "directoryCheckedAt" TIMESTAMP(3),
ADD COLUMN     "userPrincipalName" TEXT;

-- AlterTable
ALTER TABLE "RoleAssignment" ADD COLUMN     "grantedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "grantedById" TEXT;

-- AlterTable
ALTER TABLE "PendingUpload" ADD COLUMN     "purpose" "PendingUploadPurpose" NOT NULL DEFAULT 'DOCUMENT',
ALTER COLUMN "claimId" DROP NOT NULL,
ALTER COLUMN "kind" DROP NOT NULL;

-- CreateTable
CREATE TABLE "OrganisationEvent" (
    "id" BIGSERIAL NOT NULL,
    "organisationId" TEXT NOT NULL,
    "actorId" TEXT,
    "actorKind" "ActorKind" NOT NULL,
    "type" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrganisationEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FundsImport" (
    "id" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "status" "FundsImportStatus" NOT NULL DEFAULT 'PREVIEW',
    "rows" JSONB NOT NULL,
    "refusals" JSONB NOT NULL,
    "counts" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMP(3),

    CONSTRAINT "FundsImport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OrganisationEvent_organisationId_id_idx" ON "OrganisationEvent"("organisationId", "id" DESC);

-- CreateIndex
CREATE INDEX "FundsImport_userId_status_idx" ON "FundsImport"("userId", "status");

-- AddForeignKey
ALTER TABLE "PendingUpload" ADD CONSTRAINT "PendingUpload_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "Claim"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganisationEvent" ADD CONSTRAINT "OrganisationEvent_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganisationEvent" ADD CONSTRAINT "OrganisationEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FundsImport" ADD CONSTRAINT "FundsImport_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

