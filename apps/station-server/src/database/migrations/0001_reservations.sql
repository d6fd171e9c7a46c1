CREATE TABLE "idempotency_keys" (
	"token" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"reservation_id" text,
	"error" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_token_key_pk" PRIMARY KEY("token","key")
);
--> statement-breakpoint
CREATE TABLE "reservations" (
	"id" text PRIMARY KEY NOT NULL,
	"evse_uid" text NOT NULL,
	"location_id" text NOT NULL,
	"connector_id" text,
	"token" text NOT NULL,
	"status" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_updated" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_evse_uid_evses_uid_fk" FOREIGN KEY ("evse_uid") REFERENCES "public"."evses"("uid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reservations_token_idx" ON "reservations" USING btree ("token");--> statement-breakpoint
CREATE INDEX "reservations_status_ends_idx" ON "reservations" USING btree ("status","ends_at");