-- Cost telemetry (issue 11 item 4, docs/decisions/0025-cost-telemetry.md): usage per environment
-- per UTC day, and the sampler's per-container baselines. Nothing is known of the time before.
CREATE TABLE "environment_usage" (
    "environment_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "cpu_seconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "memory_byte_seconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "disk_byte_seconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "network_bytes" BIGINT NOT NULL DEFAULT 0,
    "awake_seconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "container_seconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "disk_bytes" BIGINT NOT NULL DEFAULT 0,
    "samples" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "environment_usage_pkey" PRIMARY KEY ("environment_id","day")
);

CREATE INDEX "environment_usage_day_idx" ON "environment_usage"("day");

ALTER TABLE "environment_usage" ADD CONSTRAINT "environment_usage_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "usage_cursors" (
    "host" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "environment_id" UUID NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "sampled_at" TIMESTAMPTZ(3) NOT NULL,
    "cpu_ns" BIGINT NOT NULL DEFAULT 0,
    "memory_bytes" BIGINT NOT NULL DEFAULT 0,
    "network_bytes" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "usage_cursors_pkey" PRIMARY KEY ("host","key")
);

CREATE INDEX "usage_cursors_host_sampled_at_idx" ON "usage_cursors"("host", "sampled_at");
