import { LocationDto } from './location.dto.js';

/** Payload of a `server/postos/request`: no filters yet, every published station. */
export class SearchStationsRequestDto {}

/** Data of an operator's reply to a station search: its stations, as a JSON array. */
export type SearchStationsReply = LocationDto[];
