-- CreateTable
CREATE TABLE "ConversationPace" (
    "conversationId" TEXT NOT NULL,
    "recentMs" BIGINT[],
    "hour" BIGINT NOT NULL DEFAULT 0,
    "hourCount" INTEGER NOT NULL DEFAULT 0,
    "prevHourCount" INTEGER NOT NULL DEFAULT 0,
    "pausedUntilMs" BIGINT NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConversationPace_pkey" PRIMARY KEY ("conversationId")
);

-- CreateTable
CREATE TABLE "TenantPace" (
    "tenantId" TEXT NOT NULL,
    "nextSlotMs" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "TenantPace_pkey" PRIMARY KEY ("tenantId")
);

