/** Query of `GET /postos`: no filters yet, every station of every live operator. */
export class SearchStationsQueryDto {}
