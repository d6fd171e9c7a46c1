-- No two live reservations of one EVSE overlap in time. The database enforces it, so replicas
-- writing at once cannot double-book: an overlapping insert fails with SQLSTATE 23P01.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_no_overlap"
  EXCLUDE USING gist ("evse_uid" WITH =, (tstzrange("starts_at", "ends_at", '[)')) WITH &&)
  WHERE ("status" IN ('PENDING', 'RESERVED'));
--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_window_order" CHECK ("ends_at" > "starts_at");
