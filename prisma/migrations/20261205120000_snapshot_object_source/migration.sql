-- A registered snapshot is a file in SNAPSHOT_DIR or an object in an S3 bucket (issue 10 section 4),
-- exactly one of the two
ALTER TABLE "database_snapshots" ALTER COLUMN "file" DROP NOT NULL;
ALTER TABLE "database_snapshots" ADD COLUMN "s3_bucket" TEXT;
ALTER TABLE "database_snapshots" ADD COLUMN "s3_key" TEXT;
ALTER TABLE "database_snapshots" ADD CONSTRAINT "database_snapshots_one_source" CHECK (
    ("file" IS NOT NULL AND "s3_bucket" IS NULL AND "s3_key" IS NULL)
    OR ("file" IS NULL AND "s3_bucket" IS NOT NULL AND "s3_key" IS NOT NULL)
);
