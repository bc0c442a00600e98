-- AlterTable
ALTER TABLE "repository_settings" ADD COLUMN     "access_modes" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "bypass_token_hash" TEXT,
ADD COLUMN     "ip_allowlist" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "share_links" (
    "id" UUID NOT NULL,
    "environment_id" UUID NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "note" TEXT,

    CONSTRAINT "share_links_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "share_links_environment_id_idx" ON "share_links"("environment_id");

-- AddForeignKey
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

