import type {
  BusinessDetailsDto,
  Capability,
  ConnectorFormat,
  ConnectorType,
  EvseStatus,
  Facility,
  HoursDto,
  ParkingType,
  PowerType,
  ReservationStatus,
  TripPlanDto,
  WireError,
} from '@app/shared';
import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** OCPI Location ("posto"). Coordinates are numbers here, for distance queries; strings on the wire. */
export const locations = pgTable(
  'locations',
  {
    id: text('id').primaryKey(),
    countryCode: text('country_code').notNull(),
    partyId: text('party_id').notNull(),
    publish: boolean('publish').notNull(),
    name: text('name'),
    address: text('address').notNull(),
    city: text('city').notNull(),
    postalCode: text('postal_code'),
    state: text('state'),
    country: text('country').notNull(),
    latitude: doublePrecision('latitude').notNull(),
    longitude: doublePrecision('longitude').notNull(),
    parkingType: text('parking_type').$type<ParkingType>(),
    operator: jsonb('operator').$type<BusinessDetailsDto>(),
    facilities: jsonb('facilities').$type<Facility[]>(),
    timeZone: text('time_zone').notNull(),
    openingTimes: jsonb('opening_times').$type<HoursDto>(),
    lastUpdated: timestamp('last_updated', { withTimezone: true }).notNull(),
  },
  (t) => [index('locations_coordinates_idx').on(t.latitude, t.longitude)],
);

/** OCPI EVSE: one car at a time; carries the status. */
export const evses = pgTable(
  'evses',
  {
    uid: text('uid').primaryKey(),
    locationId: text('location_id')
      .notNull()
      .references(() => locations.id, { onDelete: 'cascade' }),
    /** Order within the location, as imported. */
    position: integer('position').notNull(),
    evseId: text('evse_id'),
    status: text('status').$type<EvseStatus>().notNull(),
    capabilities: jsonb('capabilities').$type<Capability[]>(),
    floorLevel: text('floor_level'),
    physicalReference: text('physical_reference'),
    lastUpdated: timestamp('last_updated', { withTimezone: true }).notNull(),
  },
  (t) => [index('evses_location_idx').on(t.locationId)],
);

/** OCPI Connector, unique by id within its EVSE. */
export const connectors = pgTable(
  'connectors',
  {
    evseUid: text('evse_uid')
      .notNull()
      .references(() => evses.uid, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    position: integer('position').notNull(),
    standard: text('standard').$type<ConnectorType>().notNull(),
    format: text('format').$type<ConnectorFormat>().notNull(),
    powerType: text('power_type').$type<PowerType>().notNull(),
    maxVoltage: integer('max_voltage').notNull(),
    maxAmperage: integer('max_amperage').notNull(),
    maxElectricPower: integer('max_electric_power'),
    lastUpdated: timestamp('last_updated', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.evseUid, t.id] })],
);

/**
 * A reservation of one EVSE for [starts_at, ends_at). No two live (PENDING or RESERVED) reservations
 * of one EVSE overlap: an exclusion constraint guarantees it (migration 0002).
 */
export const reservations = pgTable(
  'reservations',
  {
    id: text('id').primaryKey(),
    evseUid: text('evse_uid')
      .notNull()
      .references(() => evses.uid),
    locationId: text('location_id').notNull(),
    connectorId: text('connector_id'),
    token: text('token').notNull(),
    /** The authenticated driver who booked it (the token's `sub`); only they may read or cancel it. */
    driverId: text('driver_id'),
    status: text('status').$type<ReservationStatus>().notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUpdated: timestamp('last_updated', { withTimezone: true }).notNull().defaultNow(),
    /** The trip this reservation is a stop of, and the stop's number in it. */
    tripId: text('trip_id').references(() => trips.id),
    tripStop: integer('trip_stop'),
    /** A PENDING hold lapses (FAILED) at this time unless confirmed first. */
    holdExpiresAt: timestamp('hold_expires_at', { withTimezone: true }),
  },
  (t) => [
    index('reservations_token_idx').on(t.token),
    index('reservations_status_ends_idx').on(t.status, t.endsAt),
    index('reservations_driver_idx').on(t.driverId),
    index('reservations_trip_idx').on(t.tripId),
    index('reservations_hold_expiry_idx').on(t.status, t.holdExpiresAt),
  ],
);

/** A trip with stops held here: its plan as the gateway made it, kept for showing the trip later. */
export const trips = pgTable('trips', {
  id: text('id').primaryKey(),
  /** The driver who booked it; only they may read or cancel it. */
  driverId: text('driver_id').notNull(),
  plan: jsonb('plan').$type<TripPlanDto>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The first outcome of each idempotency key of a driver's token, replayed on a retry. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    token: text('token').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    reservationId: text('reservation_id'),
    /** The error of the first attempt, when it failed (a conflict, an unknown EVSE). */
    error: jsonb('error').$type<WireError>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.token, t.key] })],
);

/** Every status change a charger reported and the server applied, oldest first per EVSE. */
export const evseStatusHistory = pgTable(
  'evse_status_history',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    evseUid: text('evse_uid')
      .notNull()
      .references(() => evses.uid, { onDelete: 'cascade' }),
    locationId: text('location_id').notNull(),
    /** OCPI EVSE status after the change. */
    status: text('status').$type<EvseStatus>().notNull(),
    /** The status as the charger sent it (OCPP), when it differs from the OCPI one. */
    reportedStatus: text('reported_status').notNull(),
    connectorId: text('connector_id'),
    /** When the charger says the change happened. */
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('evse_status_history_evse_idx').on(t.evseUid, t.occurredAt)],
);
