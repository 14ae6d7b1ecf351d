-- The reviewers' queue (services/review.ts getReviewQueue) orders waiting claims by when they started
-- waiting. Prisma's schema language cannot express this expression index, so it is written by hand;
-- schema diffs (npm run migration:new) do not see it and leave it alone.
CREATE INDEX "Claim_review_queue_idx" ON "Claim" ((COALESCE(CASE WHEN status = 'DISPUTED' THEN "disputedAt" END, "submittedAt", "createdAt")), number)
  WHERE status IN ('SUBMITTED', 'IN_REVIEW', 'DISPUTED');
