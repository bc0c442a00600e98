-- The commit whose containers answer at a preview's URLs (decision 0038).
ALTER TABLE "environments" ADD COLUMN "serving_sha" TEXT,
ADD COLUMN "serving_revision" INTEGER;

-- A preview that is ready now serves its own head.
UPDATE "environments" SET "serving_sha" = "head_sha", "serving_revision" = "generation"
WHERE "state" = 'ready';
