-- Build-time secrets (issue 9, decision 0037): the secret scope names a repository's builds may
-- mount through BuildKit. Empty: builds that ask for a secret are refused.
ALTER TABLE "repository_settings" ADD COLUMN "build_secrets" TEXT[] DEFAULT ARRAY[]::TEXT[];
