import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { ConnectorType, PowerType } from '../enums/ocpi.enums.js';
import { RawJson } from '../mqtt/raw-json.js';
import { TOPIC_SAFE, TOPIC_SAFE_MESSAGE } from '../mqtt/topics.js';
import { RequiresField } from '../validation/requires.js';

/** Mean Earth radius (km, IUGG): every great-circle distance of the system (search, trips) uses this sphere. */
export const EARTH_RADIUS_KM = 6371.0088;

/** Deepest result a search may ask one operator for (offset + limit of the gateway's paging). */
export const MAX_SEARCH_DEPTH = 1100;

/**
 * Payload of a station search (`Topics.stationsRequest`, or `Topics.stationCommand` `search`). Every
 * field is optional: `{}` asks for the first stations by id, as the seed's query did.
 */
export class SearchStationsRequestDto {
  /** WGS 84 latitude of the point to search around. */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  @RequiresField('longitude')
  latitude?: number;

  /** WGS 84 longitude of the point to search around. */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  @RequiresField('latitude')
  longitude?: number;

  /** Radius around the point, in km. */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(20_000)
  @RequiresField('latitude')
  distance?: number;

  /** Stations with an EVSE that has one of these connector standards. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsEnum(ConnectorType, { each: true })
  connector?: ConnectorType[];

  /** Stations with an EVSE that has a connector of one of these power types. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsEnum(PowerType, { each: true })
  power_type?: PowerType[];

  /** Stations with an EVSE whose connector delivers at least this power, in kW. */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(10_000)
  min_power_kw?: number;

  /** true: stations with an EVSE AVAILABLE now (not charging, not reserved, not out of order). */
  @IsOptional()
  @IsBoolean()
  available?: boolean;

  /** How many of the first results to return (the gateway asks for offset + limit). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SEARCH_DEPTH)
  limit?: number;
}

/** Payload of `Topics.stationCommand` `get`. */
export class GetStationRequestDto {
  @IsString()
  @Length(1, 36)
  @Matches(TOPIC_SAFE, { message: `id ${TOPIC_SAFE_MESSAGE}` })
  id!: string;
}

/** One result of a station search as the server sends it: its order key and its JSON. */
export interface StationPageEntry {
  /** Distance from the search point in km; null when the search had none. */
  distance: number | null;
  id: string;
  /** The station (LocationDto, with `distance_km` when there is a point) as JSON. */
  json: string;
}

/** One result of a station search as a gateway reads it: the JSON kept as the bytes that arrived. */
export interface ReceivedStationPageEntry {
  distance: number | null;
  id: string;
  json: Buffer;
  /** Where `json` starts in the reply, whose items are separated by one comma each. */
  start: number;
}

/** The reply a page was read from, so results next to each other there can be copied as one run. */
export interface StationPage {
  /** How many stations of the operator match, beyond those sent. */
  total: number;
  entries: ReceivedStationPageEntry[];
  data: Buffer;
}

const ITEMS_MARK = ',"items":[';

/**
 * Reply data of a station search: `{"total":N,"keys":[[distance,id,bytes],...],"items":[...]}`.
 * `keys` comes first and gives each item's byte length, so a gateway merges the results of several
 * operators in order without parsing, or encoding again, a single station.
 */
export function encodeStationPage(total: number, entries: readonly StationPageEntry[]): RawJson {
  const keys = entries.map((entry) => [entry.distance, entry.id, Buffer.byteLength(entry.json)]);
  return new RawJson(`{"total":${total},"keys":${JSON.stringify(keys)}${ITEMS_MARK}${entries.map((entry) => entry.json).join(',')}]}`);
}

/** Reads a station search reply; undefined when it is not one. */
export function decodeStationPage(data: Buffer): StationPage | undefined {
  const mark = data.indexOf(ITEMS_MARK);
  if (mark < 0) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(`${data.subarray(0, mark).toString()}}`);
  } catch {
    return undefined;
  }
  const { total, keys } = header as { total?: unknown; keys?: unknown };
  if (typeof total !== 'number' || !Array.isArray(keys)) return undefined;
  const entries: ReceivedStationPageEntry[] = [];
  let at = mark + ITEMS_MARK.length;
  for (const key of keys as unknown[]) {
    if (!Array.isArray(key) || key.length !== 3) return undefined;
    const [distance, id, bytes] = key as unknown[];
    if ((distance !== null && typeof distance !== 'number') || typeof id !== 'string' || typeof bytes !== 'number') return undefined;
    if (entries.length > 0) {
      if (data[at] !== COMMA) return undefined;
      at += 1;
    }
    const json = data.subarray(at, at + bytes);
    if (json.length !== bytes || json[0] !== OPEN_BRACE || json[bytes - 1] !== CLOSE_BRACE) return undefined;
    entries.push({ distance, id, json, start: at });
    at += bytes;
  }
  if (data.subarray(at).toString() !== ']}') return undefined;
  return { total, entries, data };
}

const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** Search results of several operators in one order: nearest first, then by operator, then by id. */
export function compareStationResults(
  a: { distance: number | null; operatorId: string; id: string },
  b: { distance: number | null; operatorId: string; id: string },
): number {
  if (a.distance !== b.distance) {
    if (a.distance === null) return 1;
    if (b.distance === null) return -1;
    return a.distance - b.distance;
  }
  if (a.operatorId !== b.operatorId) return a.operatorId < b.operatorId ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
