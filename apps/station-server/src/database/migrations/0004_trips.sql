-- Trips: a plan kept by every operator that holds one of its stops, and the stops themselves as
-- reservations naming their trip. A stop is first held PENDING until hold_expires_at, then confirmed.
CREATE TABLE "trips" (
	"id" text PRIMARY KEY NOT NULL,
	"driver_id" text NOT NULL,
	"plan" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reservations" ADD COLUMN "trip_id" text;--> statement-breakpoint
ALTER TABLE "reservations" ADD COLUMN "trip_stop" integer;--> statement-breakpoint
ALTER TABLE "reservations" ADD COLUMN "hold_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_trip_id_trips_id_fk" FOREIGN KEY ("trip_id") REFERENCES "public"."trips"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reservations_trip_idx" ON "reservations" USING btree ("trip_id");--> statement-breakpoint
CREATE INDEX "reservations_hold_expiry_idx" ON "reservations" USING btree ("status","hold_expires_at");