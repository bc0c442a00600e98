-- TTL with warnings (issue 11 item 1, docs/decisions/0020-ttl-expiry.md). Existing environments
-- start their clock at this migration: nobody loses a preview to an upgrade.
ALTER TABLE "environments" ADD COLUMN "ttl_started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "environments" ADD COLUMN "ttl_label_ms" INTEGER;
ALTER TABLE "environments" ADD COLUMN "ttl_ms" INTEGER;
ALTER TABLE "environments" ADD COLUMN "ttl_extended_until" TIMESTAMPTZ(3);
ALTER TABLE "environments" ADD COLUMN "ttl_warned_for" TIMESTAMPTZ(3);
ALTER TABLE "environments" ADD COLUMN "expired_at" TIMESTAMPTZ(3);
