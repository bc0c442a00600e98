-- The check runs of Berth as the worker last wrote them (issue 13: the detail page of the console shows
-- them without the api calling GitHub: GitHub stays their store, decision 0011).
CREATE TABLE "check_runs" (
    "github_id" BIGINT NOT NULL,
    "environment_id" UUID NOT NULL,
    "head_sha" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "conclusion" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "check_runs_pkey" PRIMARY KEY ("github_id")
);

CREATE INDEX "check_runs_environment_id_head_sha_idx" ON "check_runs"("environment_id", "head_sha");

ALTER TABLE "check_runs" ADD CONSTRAINT "check_runs_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
