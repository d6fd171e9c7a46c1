/**
 * A reply body already serialized as JSON. A handler returns one when it keeps its answer
 * serialized; the transport then sends the text as it is instead of stringifying it again.
 */
export class RawJson {
  constructor(readonly json: string) {}
}
