-- AlterEnum
BEGIN;
CREATE TYPE "environment_state_new" AS ENUM ('pending', 'held', 'skipped', 'building', 'provisioning', 'ready', 'failed', 'destroying', 'destroyed');
ALTER TABLE "public"."environments" ALTER COLUMN "state" DROP DEFAULT;
ALTER TABLE "environments" ALTER COLUMN "state" TYPE "environment_state_new" USING ("state"::text::"environment_state_new");
ALTER TYPE "environment_state" RENAME TO "environment_state_old";
ALTER TYPE "environment_state_new" RENAME TO "environment_state";
DROP TYPE "public"."environment_state_old";
ALTER TABLE "environments" ALTER COLUMN "state" SET DEFAULT 'pending';
COMMIT;

-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "comment_id" BIGINT,
ADD COLUMN     "label_notes" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "repositories" ADD COLUMN     "compose_path" TEXT NOT NULL DEFAULT 'docker-compose.yml';

-- AlterTable
ALTER TABLE "revisions" ADD COLUMN     "images" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "wiring" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "stage_runs" ADD COLUMN     "details" JSONB;

