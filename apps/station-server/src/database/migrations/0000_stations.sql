CREATE TABLE "connectors" (
	"evse_uid" text NOT NULL,
	"id" text NOT NULL,
	"position" integer NOT NULL,
	"standard" text NOT NULL,
	"format" text NOT NULL,
	"power_type" text NOT NULL,
	"max_voltage" integer NOT NULL,
	"max_amperage" integer NOT NULL,
	"max_electric_power" integer,
	"last_updated" timestamp with time zone NOT NULL,
	CONSTRAINT "connectors_evse_uid_id_pk" PRIMARY KEY("evse_uid","id")
);
--> statement-breakpoint
CREATE TABLE "evses" (
	"uid" text PRIMARY KEY NOT NULL,
	"location_id" text NOT NULL,
	"position" integer NOT NULL,
	"evse_id" text,
	"status" text NOT NULL,
	"capabilities" jsonb,
	"floor_level" text,
	"physical_reference" text,
	"last_updated" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "locations" (
	"id" text PRIMARY KEY NOT NULL,
	"country_code" text NOT NULL,
	"party_id" text NOT NULL,
	"publish" boolean NOT NULL,
	"name" text,
	"address" text NOT NULL,
	"city" text NOT NULL,
	"postal_code" text,
	"state" text,
	"country" text NOT NULL,
	"latitude" double precision NOT NULL,
	"longitude" double precision NOT NULL,
	"parking_type" text,
	"operator" jsonb,
	"facilities" jsonb,
	"time_zone" text NOT NULL,
	"opening_times" jsonb,
	"last_updated" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "connectors" ADD CONSTRAINT "connectors_evse_uid_evses_uid_fk" FOREIGN KEY ("evse_uid") REFERENCES "public"."evses"("uid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evses" ADD CONSTRAINT "evses_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "evses_location_idx" ON "evses" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "locations_coordinates_idx" ON "locations" USING btree ("latitude","longitude");