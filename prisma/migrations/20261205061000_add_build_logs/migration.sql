-- Build logs for the REST API (issue 12 item 1, docs/decisions/0030-live-feed-and-logs.md): the
-- bounded tail of the image build of each service, per revision (a reused image has none).
CREATE TABLE "build_logs" (
    "revision_id" UUID NOT NULL,
    "service" TEXT NOT NULL,
    "succeeded" BOOLEAN NOT NULL,
    "text" TEXT NOT NULL,
    "dropped_lines" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "build_logs_pkey" PRIMARY KEY ("revision_id","service")
);

ALTER TABLE "build_logs" ADD CONSTRAINT "build_logs_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "revisions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
