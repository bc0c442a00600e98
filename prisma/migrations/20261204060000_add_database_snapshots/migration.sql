-- Operator-registered database dumps for db:snapshot (issue 10).
CREATE TABLE "database_snapshots" (
    "name" TEXT NOT NULL,
    "repository" TEXT NOT NULL,
    "engine" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "sanitized" BOOLEAN NOT NULL,
    "mask_sql" TEXT,
    "registered_by" TEXT NOT NULL,
    "registered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "database_snapshots_pkey" PRIMARY KEY ("name")
);

CREATE INDEX "database_snapshots_repository_idx" ON "database_snapshots"("repository");
