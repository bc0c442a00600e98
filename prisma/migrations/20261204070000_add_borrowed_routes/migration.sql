-- Frontend-only previews (issue 10): routes under a PR's hostnames to the base environment's
-- services, with the origin mapping their CORS needs.
ALTER TABLE "routes" ADD COLUMN "borrowed_from" UUID;
ALTER TABLE "routes" ADD COLUMN "origin_map" JSONB;
CREATE INDEX "routes_borrowed_from_idx" ON "routes"("borrowed_from");
