CREATE TABLE "evse_status_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "evse_status_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"evse_uid" text NOT NULL,
	"location_id" text NOT NULL,
	"status" text NOT NULL,
	"reported_status" text NOT NULL,
	"connector_id" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reservations" ADD COLUMN "driver_id" text;--> statement-breakpoint
ALTER TABLE "evse_status_history" ADD CONSTRAINT "evse_status_history_evse_uid_evses_uid_fk" FOREIGN KEY ("evse_uid") REFERENCES "public"."evses"("uid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "evse_status_history_evse_idx" ON "evse_status_history" USING btree ("evse_uid","occurred_at");--> statement-breakpoint
CREATE INDEX "reservations_driver_idx" ON "reservations" USING btree ("driver_id");