/** Retained on `Topics.presence` while a server replica is online. */
export interface PresenceMessage {
  operator_id: string;
  operator_name: string;
  instance_id: string;
  /** RFC 3339 time the replica came online. */
  started_at: string;
}
