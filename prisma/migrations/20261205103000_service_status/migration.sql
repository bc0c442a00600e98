-- Each service container as the usage sampler last saw it (issue 13): the detail page of the
-- console reads it, and the api stays off Docker.
CREATE TABLE "service_status" (
    "environment_id" UUID NOT NULL,
    "service" TEXT NOT NULL,
    "container" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "health" TEXT,
    "restarts" INTEGER NOT NULL DEFAULT 0,
    "cpu_percent" DOUBLE PRECISION,
    "memory_bytes" BIGINT,
    "memory_limit_bytes" BIGINT,
    "sampled_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "service_status_pkey" PRIMARY KEY ("environment_id","service")
);

ALTER TABLE "service_status" ADD CONSTRAINT "service_status_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
