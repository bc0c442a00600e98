-- CreateTable
CREATE TABLE "admission_waits" (
    "environment_id" UUID NOT NULL,
    "host" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "needed_bytes" BIGINT NOT NULL,
    "queued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "admission_waits_pkey" PRIMARY KEY ("environment_id")
);

-- CreateIndex
CREATE INDEX "admission_waits_host_queued_at_idx" ON "admission_waits"("host", "queued_at");

-- AddForeignKey
ALTER TABLE "admission_waits" ADD CONSTRAINT "admission_waits_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

