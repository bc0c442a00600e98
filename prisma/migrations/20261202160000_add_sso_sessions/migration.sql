-- AlterTable
ALTER TABLE "repository_settings" ADD COLUMN     "sso_allowed_domains" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "sso_allowed_emails" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "sso_allowed_groups" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "sso_github_org" TEXT,
ADD COLUMN     "sso_github_team" TEXT;

-- CreateTable
CREATE TABLE "sso_sessions" (
    "id" UUID NOT NULL,
    "environment_id" UUID,
    "provider" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "login" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "sso_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sso_codes" (
    "code_hash" TEXT NOT NULL,
    "session_id" UUID NOT NULL,
    "hostname" TEXT NOT NULL,
    "return_path" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sso_codes_pkey" PRIMARY KEY ("code_hash")
);

-- CreateIndex
CREATE INDEX "sso_sessions_login_idx" ON "sso_sessions"("login");

-- CreateIndex
CREATE INDEX "sso_sessions_environment_id_idx" ON "sso_sessions"("environment_id");

-- CreateIndex
CREATE INDEX "sso_sessions_revoked_at_idx" ON "sso_sessions"("revoked_at");

-- CreateIndex
CREATE INDEX "sso_codes_expires_at_idx" ON "sso_codes"("expires_at");

-- AddForeignKey
ALTER TABLE "sso_codes" ADD CONSTRAINT "sso_codes_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sso_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

