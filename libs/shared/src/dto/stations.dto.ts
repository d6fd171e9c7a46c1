import { LocationDto } from './location.dto.js';

/** Payload of a `server/postos/request`: no filters yet, every published station. */
export class SearchStationsRequestDto {}

/** Data of an operator's reply to a station search. */
export interface SearchStationsReply {
  stations: LocationDto[];
}
