-- CreateIndex
CREATE INDEX "Feedback_documentId_idx" ON "Feedback"("documentId");

