-- Sleep and wake, access counts (issue 11 item 5, docs/decisions/0024-sleep-and-wake.md).
-- Every existing preview is awake and has been opened an unknown number of times: 0.
ALTER TABLE "environments" ADD COLUMN "access_count" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "environments" ADD COLUMN "slept_at" TIMESTAMPTZ(3);
ALTER TABLE "environments" ADD COLUMN "woke_at" TIMESTAMPTZ(3);
ALTER TABLE "repository_settings" ADD COLUMN "idle_sleep_hours" INTEGER;
