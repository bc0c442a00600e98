-- Slack notifications (issue 12 item 5, docs/decisions/0028-slack-notifications.md): one message
-- per pull request's preview, its thread replies, and the operator's channel per repository.
ALTER TABLE "repository_settings" ADD COLUMN "slack_channel" TEXT;

CREATE TABLE "slack_messages" (
    "environment_id" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "ts" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "event_id" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "slack_messages_pkey" PRIMARY KEY ("environment_id")
);

CREATE TABLE "slack_replies" (
    "environment_id" UUID NOT NULL,
    "event_id" BIGINT NOT NULL,
    "ts" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "slack_replies_pkey" PRIMARY KEY ("environment_id","event_id")
);

ALTER TABLE "slack_messages" ADD CONSTRAINT "slack_messages_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "slack_replies" ADD CONSTRAINT "slack_replies_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "slack_messages"("environment_id") ON DELETE CASCADE ON UPDATE CASCADE;
