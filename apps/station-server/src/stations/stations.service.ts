import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { RpcException } from '@nestjs/microservices';
import {
  encodeStationPage,
  ErrorCode,
  EvseStatus,
  RawJson,
  StationEventCause,
  type GeoLocationDto,
  type SearchStationsRequestDto,
  type StationPageEntry,
  type WireError,
} from '@app/shared';
import type { StationServerEnvironment } from '../config/station-server.env.js';
import { StationEventsPublisher } from './station-events.publisher.js';
import { loadStationDataset } from './station-dataset.js';
import { StationsRepository } from './stations.repository.js';

/** Distinct page sizes whose unfiltered page is kept encoded. */
const MAX_CACHED_PAGES = 16;
/** Results of a search that names no limit (the gateway always names one). */
const DEFAULT_LIMIT = 20;
/**
 * Writes are followed by one reload at most this much later, however many there were: live events
 * of reservations lag by up to this, and a stream of bookings costs at most four reloads a second.
 */
const REFRESH_DELAY_MS = 250;

/** An EVSE as search shows it. */
interface EvseView {
  stationId: string;
  /** Status as shown: RESERVED while a reservation holds an AVAILABLE EVSE. */
  status: EvseStatus;
  /** Status as stored (the charger's). */
  stored: EvseStatus;
  coordinates: GeoLocationDto;
}

/** Every published station, read and serialized once. */
interface Snapshot {
  /** Station ids in order (by UTF-16 code unit, like the gateway's merge). */
  ids: string[];
  json: Map<string, string>;
  evses: Map<string, EvseView>;
  /** Unfiltered pages already encoded, by limit: the seed's query costs no work per request. */
  pages: Map<number, RawJson>;
  validUntil: number;
}

@Injectable()
export class StationsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(StationsService.name);
  private readonly operatorId: string;
  /**
   * Stations kept as JSON, so a query costs neither a database round trip for the station bodies
   * nor a JSON encoding. Dropped on every write (then read again shortly after, to announce what
   * changed), when a reservation window opens or closes, and after STATIONS_CACHE_TTL_MS.
   */
  private snapshot?: Promise<Snapshot>;
  private shown?: Map<string, EvseView>;
  private refreshTimer?: NodeJS.Timeout;
  private windowTimer?: NodeJS.Timeout;

  constructor(
    private readonly repository: StationsRepository,
    private readonly events: StationEventsPublisher,
    private readonly config: ConfigService<StationServerEnvironment, true>,
  ) {
    this.operatorId = config.get('OPERATOR_ID', { infer: true });
  }

  /** Imports STATIONS_FILE into an empty database before the server takes requests. */
  async onModuleInit(): Promise<void> {
    const file = this.config.get('STATIONS_FILE', { infer: true });
    if (file && (await this.repository.count()) === 0) {
      const stations = await loadStationDataset(file, this.operatorId);
      const inserted = await this.repository.importIfEmpty(stations);
      if (inserted > 0) this.logger.log(`Imported ${inserted} stations from ${file}`);
    }
    await this.current();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.refreshTimer);
    clearTimeout(this.windowTimer);
  }

  /**
   * A page of search results (reply data in the station page format). Without filters the answer
   * comes from memory; filters and distances are computed by the database.
   */
  async search(query: SearchStationsRequestDto): Promise<RawJson> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const snapshot = await this.current();
    if (!hasFilters(query)) {
      let page = snapshot.pages.get(limit);
      if (!page) {
        const entries = snapshot.ids.slice(0, limit).map((id) => ({ distance: null, id, json: snapshot.json.get(id)! }));
        page = encodeStationPage(snapshot.ids.length, entries);
        if (snapshot.pages.size < MAX_CACHED_PAGES) snapshot.pages.set(limit, page);
      }
      return page;
    }
    const { total, rows } = await this.repository.search(query, limit);
    const entries: StationPageEntry[] = [];
    for (const { id, distance } of rows) {
      const json = snapshot.json.get(id);
      // Published after this snapshot was read: the next one has it.
      if (!json) continue;
      entries.push({ id, distance, json: distance === null ? json : `{"distance_km":${roundKm(distance)},${json.slice(1)}` });
    }
    return encodeStationPage(total, entries);
  }

  /** One station as JSON (a LocationDto). */
  async get(id: string): Promise<RawJson> {
    const json = (await this.current()).json.get(id);
    if (!json) {
      const error: WireError = { code: ErrorCode.NotFound, message: `Station ${id} not found` };
      throw new RpcException(error);
    }
    return new RawJson(json);
  }

  /**
   * Forgets the stations after a write (here or, seen through its events, by another replica);
   * they are read again shortly, which announces EVSEs that a reservation now holds or let go.
   */
  invalidate(): void {
    this.snapshot = undefined;
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = undefined;
      this.current().catch((err: unknown) => this.logger.warn(`Reading the stations failed: ${(err as Error).message}`));
    }, REFRESH_DELAY_MS);
  }

  private async current(): Promise<Snapshot> {
    const cached = this.snapshot;
    if (cached) {
      const entry = await cached.catch(() => undefined);
      if (entry && Date.now() < entry.validUntil) return entry;
      if (this.snapshot === cached) this.snapshot = undefined;
    }
    if (!this.snapshot) {
      const loading = this.load();
      this.snapshot = loading;
      // A failed read is not kept: the next query tries the database again.
      loading.catch(() => {
        if (this.snapshot === loading) this.snapshot = undefined;
      });
    }
    return this.snapshot;
  }

  private async load(): Promise<Snapshot> {
    const now = new Date();
    const [stations, { reserved, nextChange }] = await Promise.all([this.repository.findAll(), this.repository.reservationState(now)]);
    const json = new Map<string, string>();
    const evses = new Map<string, EvseView>();
    for (const station of stations) {
      for (const evse of station.evses) {
        const stored = evse.status;
        if (reserved.has(evse.uid) && stored === EvseStatus.Available) evse.status = EvseStatus.Reserved;
        evses.set(evse.uid, { stationId: station.id, status: evse.status, stored, coordinates: station.coordinates });
      }
      json.set(station.id, JSON.stringify(station));
    }
    const ids = [...json.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.announceReservationChanges(evses, now);
    clearTimeout(this.windowTimer);
    if (nextChange) {
      // The moment a reservation window opens or closes, search and the live events show it.
      this.windowTimer = setTimeout(() => this.invalidate(), Math.max(0, Math.min(nextChange.getTime() - Date.now(), 2 ** 31 - 1)));
      this.windowTimer.unref();
    }
    const ttl = this.config.get('STATIONS_CACHE_TTL_MS', { infer: true });
    return { ids, json, evses, pages: new Map(), validUntil: Math.min(now.getTime() + ttl, nextChange?.getTime() ?? Infinity) };
  }

  /**
   * Publishes the EVSEs whose shown status changed while the stored one did not: a reservation
   * began or ended. (Chargers' changes are published by whoever applied them.)
   */
  private announceReservationChanges(next: Map<string, EvseView>, now: Date): void {
    const previous = this.shown;
    this.shown = next;
    if (!previous) return;
    for (const [uid, view] of next) {
      const before = previous.get(uid);
      if (!before || before.status === view.status || before.stored !== view.stored) continue;
      void this.events.publish({
        operator_id: this.operatorId,
        station_id: view.stationId,
        evse_uid: uid,
        status: view.status,
        cause: StationEventCause.Reservation,
        last_updated: now.toISOString(),
        coordinates: view.coordinates,
      });
    }
  }
}

function hasFilters(query: SearchStationsRequestDto): boolean {
  return (
    query.latitude !== undefined ||
    query.longitude !== undefined ||
    Boolean(query.connector?.length) ||
    Boolean(query.power_type?.length) ||
    query.min_power_kw !== undefined ||
    query.available === true
  );
}

/** Distances to the metre. */
function roundKm(km: number): number {
  return Math.round(km * 1000) / 1000;
}
