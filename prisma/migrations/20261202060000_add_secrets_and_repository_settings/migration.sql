-- CreateTable
CREATE TABLE "secrets" (
    "id" UUID NOT NULL,
    "scope" TEXT NOT NULL DEFAULT 'global',
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "wrapped_key" BYTEA NOT NULL,
    "ciphertext" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "secrets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "repository_settings" (
    "full_name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "compose_path" TEXT,
    "base_branch" TEXT,
    "access_mode" "access_mode" NOT NULL DEFAULT 'private',
    "default_ttl_hours" INTEGER,
    "default_db_mode" TEXT,
    "max_memory_mb" INTEGER,
    "max_cpus" DOUBLE PRECISION,
    "max_pids" INTEGER,
    "max_services" INTEGER,
    "allowed_variables" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "repository_settings_pkey" PRIMARY KEY ("full_name")
);

-- CreateIndex
CREATE UNIQUE INDEX "secrets_scope_name_key" ON "secrets"("scope", "name");
