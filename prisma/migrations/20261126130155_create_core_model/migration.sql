-- CreateEnum
CREATE TYPE "access_mode" AS ENUM ('private', 'public');

-- CreateEnum
CREATE TYPE "environment_state" AS ENUM ('pending', 'held', 'building', 'provisioning', 'ready', 'failed', 'closing', 'destroyed');

-- CreateEnum
CREATE TYPE "stage" AS ENUM ('trigger', 'build', 'replicate', 'wire', 'expose', 'teardown');

-- CreateEnum
CREATE TYPE "stage_run_status" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'superseded', 'skipped');

-- CreateEnum
CREATE TYPE "delivery_outcome" AS ENUM ('received', 'processed', 'ignored', 'rejected', 'failed');

-- CreateEnum
CREATE TYPE "resource_kind" AS ENUM ('container', 'network', 'volume', 'image', 'database', 'dns_record', 'secret', 'route');

-- CreateEnum
CREATE TYPE "resource_provider" AS ENUM ('docker', 'postgres', 'route53', 'dns_wildcard', 'secrets_aws', 'secrets_local', 'gateway');

-- CreateEnum
CREATE TYPE "resource_state" AS ENUM ('planned', 'created', 'deleting', 'deleted', 'failed');

-- CreateTable
CREATE TABLE "repositories" (
    "id" UUID NOT NULL,
    "provider_id" BIGINT NOT NULL,
    "full_name" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "installation_id" BIGINT NOT NULL,
    "clone_url" TEXT NOT NULL,
    "default_branch" TEXT NOT NULL DEFAULT 'main',
    "access_mode" "access_mode" NOT NULL DEFAULT 'private',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "repositories_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "environments" (
    "id" UUID NOT NULL,
    "repository_id" UUID NOT NULL,
    "pr_number" INTEGER NOT NULL,
    "state" "environment_state" NOT NULL DEFAULT 'pending',
    "generation" INTEGER NOT NULL DEFAULT 1,
    "head_sha" TEXT NOT NULL,
    "branch" TEXT NOT NULL,
    "base_branch" TEXT NOT NULL,
    "is_fork" BOOLEAN NOT NULL DEFAULT false,
    "approved_sha" TEXT,
    "config" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "ready_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),
    "destroyed_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "last_access_at" TIMESTAMPTZ(3),

    CONSTRAINT "environments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "revisions" (
    "id" UUID NOT NULL,
    "environment_id" UUID NOT NULL,
    "generation" INTEGER NOT NULL,
    "head_sha" TEXT NOT NULL,
    "config_snapshot" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "revisions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stage_runs" (
    "id" UUID NOT NULL,
    "revision_id" UUID NOT NULL,
    "stage" "stage" NOT NULL,
    "status" "stage_run_status" NOT NULL DEFAULT 'queued',
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "duration_ms" INTEGER,
    "error_message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stage_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "action" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" "delivery_outcome" NOT NULL DEFAULT 'received',
    "detail" TEXT,
    "processed_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "resources" (
    "id" UUID NOT NULL,
    "kind" "resource_kind" NOT NULL,
    "provider" "resource_provider" NOT NULL,
    "name" TEXT NOT NULL,
    "environment_id" UUID,
    "state" "resource_state" NOT NULL DEFAULT 'planned',
    "provider_id" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "resources_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "routes" (
    "id" UUID NOT NULL,
    "hostname" TEXT NOT NULL,
    "environment_id" UUID NOT NULL,
    "service" TEXT NOT NULL,
    "target_host" TEXT NOT NULL,
    "target_port" INTEGER NOT NULL,
    "access_mode" "access_mode" NOT NULL DEFAULT 'private',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "routes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "repositories_provider_id_key" ON "repositories"("provider_id");

-- CreateIndex
CREATE INDEX "repositories_full_name_idx" ON "repositories"("full_name");

-- CreateIndex
CREATE INDEX "repositories_installation_id_idx" ON "repositories"("installation_id");

-- CreateIndex
CREATE INDEX "environments_state_idx" ON "environments"("state");

-- CreateIndex
CREATE INDEX "environments_expires_at_idx" ON "environments"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "environments_repository_id_pr_number_key" ON "environments"("repository_id", "pr_number");

-- CreateIndex
CREATE UNIQUE INDEX "revisions_environment_id_generation_key" ON "revisions"("environment_id", "generation");

-- CreateIndex
CREATE INDEX "stage_runs_status_idx" ON "stage_runs"("status");

-- CreateIndex
CREATE UNIQUE INDEX "stage_runs_revision_id_stage_attempt_key" ON "stage_runs"("revision_id", "stage", "attempt");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_delivery_id_key" ON "webhook_deliveries"("delivery_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_received_at_idx" ON "webhook_deliveries"("received_at");

-- CreateIndex
CREATE INDEX "resources_environment_id_state_idx" ON "resources"("environment_id", "state");

-- CreateIndex
CREATE INDEX "resources_state_idx" ON "resources"("state");

-- CreateIndex
CREATE UNIQUE INDEX "resources_provider_kind_name_key" ON "resources"("provider", "kind", "name");

-- CreateIndex
CREATE UNIQUE INDEX "routes_hostname_key" ON "routes"("hostname");

-- CreateIndex
CREATE INDEX "routes_environment_id_idx" ON "routes"("environment_id");

-- AddForeignKey
ALTER TABLE "environments" ADD CONSTRAINT "environments_repository_id_fkey" FOREIGN KEY ("repository_id") REFERENCES "repositories"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "revisions" ADD CONSTRAINT "revisions_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stage_runs" ADD CONSTRAINT "stage_runs_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "revisions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "resources" ADD CONSTRAINT "resources_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "routes" ADD CONSTRAINT "routes_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
