-- Which of two sets of resource names an environment's containers use (decision 0040).
ALTER TABLE "environments" ADD COLUMN "slot" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "environments" ADD CONSTRAINT "environments_slot_check" CHECK ("slot" IN (0, 1));
