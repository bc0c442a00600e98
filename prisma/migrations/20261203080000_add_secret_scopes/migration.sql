-- Secret scopes (issue 9): which master key sealed a row (rotation without downtime), and
-- operator entries that reference a secret in AWS Secrets Manager instead of holding a value.
ALTER TABLE "secrets" ADD COLUMN "key_id" TEXT;
ALTER TABLE "secrets" ADD COLUMN "reference" TEXT;
CREATE INDEX "secrets_key_id_idx" ON "secrets"("key_id");

-- Fork pull requests get generated secrets only unless the operator allows its scopes.
ALTER TABLE "repository_settings" ADD COLUMN "fork_secrets" BOOLEAN NOT NULL DEFAULT false;
