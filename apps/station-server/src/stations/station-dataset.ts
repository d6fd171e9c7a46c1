import { readFile } from 'node:fs/promises';
import { flattenValidationErrors, LocationDto } from '@app/shared';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

/** A dataset file that cannot be imported; the message names the record and the field. */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}

/**
 * Reads and validates a dataset: a JSON array of OCPI Locations, all of the given operator,
 * with unique location ids and EVSE uids. Fields this system does not store are ignored.
 */
export async function loadStationDataset(path: string, operatorId: string): Promise<LocationDto[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DatasetError(`Cannot read STATIONS_FILE ${path}: ${(err as Error).message}`);
  }
  let records: unknown;
  try {
    records = JSON.parse(text);
  } catch (err) {
    throw new DatasetError(`STATIONS_FILE ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return validateStationDataset(records, operatorId, path);
}

export function validateStationDataset(records: unknown, operatorId: string, source: string): LocationDto[] {
  if (!Array.isArray(records)) throw new DatasetError(`${source} must hold a JSON array of OCPI Locations`);
  const locationIds = new Set<string>();
  const evseUids = new Set<string>();
  return records.map((record: unknown, index) => {
    const name = describeRecord(record, index);
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new DatasetError(`${source}: ${name} is not an object`);
    }
    const station = plainToInstance(LocationDto, record);
    const [first] = flattenValidationErrors(validateSync(station, { whitelist: true, forbidUnknownValues: true }));
    if (first) throw new DatasetError(`${source}: ${name}, field ${first.field}: ${first.message}`);
    if (`${station.country_code}-${station.party_id}` !== operatorId) {
      throw new DatasetError(
        `${source}: ${name}, field country_code/party_id: ${station.country_code}-${station.party_id} is not this server's operator ${operatorId}`,
      );
    }
    if (locationIds.has(station.id)) throw new DatasetError(`${source}: ${name}, field id: duplicate location id`);
    locationIds.add(station.id);
    station.evses.forEach((evse, i) => {
      if (evseUids.has(evse.uid)) throw new DatasetError(`${source}: ${name}, field evses[${i}].uid: duplicate EVSE uid ${evse.uid}`);
      evseUids.add(evse.uid);
    });
    return station;
  });
}

function describeRecord(record: unknown, index: number): string {
  const id = (record as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? `record ${index} (id "${id}")` : `record ${index}`;
}
