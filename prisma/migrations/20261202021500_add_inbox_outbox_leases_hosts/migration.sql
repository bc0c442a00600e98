-- AlterEnum
ALTER TYPE "resource_kind" ADD VALUE 'subnet';

-- DropIndex
DROP INDEX "resources_provider_kind_name_key";

-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "docker_host" TEXT NOT NULL DEFAULT 'local',
ADD COLUMN     "lease_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "lease_owner" TEXT,
ADD COLUMN     "lease_token" UUID,
ADD COLUMN     "pr_updated_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "resources" ADD COLUMN     "host" TEXT NOT NULL DEFAULT 'local';

-- AlterTable
ALTER TABLE "webhook_deliveries" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "not_before" TIMESTAMPTZ(3),
ADD COLUMN     "ordering_key" TEXT,
ADD COLUMN     "payload" TEXT,
ADD COLUMN     "seq" BIGSERIAL NOT NULL;

-- CreateTable
CREATE TABLE "outbox_jobs" (
    "id" BIGSERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "job_id" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatched_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "outbox_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lifecycle_events" (
    "id" BIGSERIAL NOT NULL,
    "environment_id" UUID NOT NULL,
    "generation" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "stage" TEXT,
    "detail" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lifecycle_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "outbox_jobs_dispatched_at_id_idx" ON "outbox_jobs"("dispatched_at", "id");

-- CreateIndex
CREATE INDEX "lifecycle_events_environment_id_id_idx" ON "lifecycle_events"("environment_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "resources_provider_host_kind_name_key" ON "resources"("provider", "host", "kind", "name");

-- CreateIndex
CREATE INDEX "webhook_deliveries_outcome_seq_idx" ON "webhook_deliveries"("outcome", "seq");

-- CreateIndex
CREATE INDEX "webhook_deliveries_ordering_key_seq_idx" ON "webhook_deliveries"("ordering_key", "seq");

-- AddForeignKey
ALTER TABLE "lifecycle_events" ADD CONSTRAINT "lifecycle_events_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

