-- The reviewers' queue filters by organisation, program, status and owner and counts what matches
-- (services/reviewQueue.ts). The queue index of 20261128140000 held only the order: each count and
-- filtered page then read every waiting claim's row (12.7 ms for 2,577 heap pages at 100,000 claims,
-- bench/README.md). The same partial index, now carrying the filtered columns, answers both from the
-- index alone. Written by hand like its predecessor: schema diffs do not see expression indexes.
DROP INDEX IF EXISTS "Claim_review_queue_idx";
CREATE INDEX "Claim_review_queue_idx" ON "Claim" ((COALESCE(CASE WHEN status = 'DISPUTED' THEN "disputedAt" END, "submittedAt", "createdAt")), number)
  INCLUDE (id, status, "organisationId", "programId", "reviewerId", "submittedAt", "disputedAt", "createdAt")
  WHERE status IN ('SUBMITTED', 'IN_REVIEW', 'DISPUTED');
