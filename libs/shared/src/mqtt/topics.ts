/**
 * MQTT topics: the wire contract between client gateways and station servers.
 *
 * Every topic string of the system is written here and nowhere else. Deployed gateways, servers,
 * chargers and broker ACLs depend on these exact strings: add topics, never rename one.
 * A deployment-wide prefix (MQTT_TOPIC_PREFIX) is applied by the transport, not here.
 */

/** Placeholder in handler patterns that a station server replaces with its own operator id. */
export const OPERATOR_PLACEHOLDER = '{operatorId}';

/** Resources that travel over request/reply topics. */
export enum Resource {
  Stations = 'postos',
  Reservations = 'reservas',
  Trips = 'viagens',
}

/** Station queries addressed to one operator. */
export enum StationAction {
  /** The same search as the broadcast, for a chosen set of operators. */
  Search = 'search',
  /** One station by id. */
  Get = 'get',
}

/** Commands on reservations, addressed to the operator that holds them. */
export enum ReservationAction {
  Create = 'create',
  Get = 'get',
  Cancel = 'cancel',
}

/**
 * Steps of a trip's booking at one operator, addressed to that operator: hold its stops, confirm
 * the holds, or cancel them (the saga's compensation, or the driver canceling the trip).
 */
export enum TripAction {
  Hold = 'hold',
  Confirm = 'confirm',
  Cancel = 'cancel',
}

export const Topics = {
  /** Broadcast: every live operator answers (station search). */
  stationsRequest: 'server/postos/request',

  /** Addressed to one operator; replicas of that operator share it. */
  operatorRequest: (resource: Resource, operatorId: string) => `server/${resource}/request/${operatorId}`,
  /** Handler pattern for {@link Topics.operatorRequest}; the server fills in its operator id. */
  operatorRequestPattern: (resource: Resource) => `server/${resource}/request/${OPERATOR_PLACEHOLDER}`,

  /** Broadcast: every operator lists the reservations of a driver's token. */
  reservationsRequest: 'server/reservas/request',
  /** A reservation command for one operator: `server/reservas/request/<operatorId>/<action>`. */
  reservationCommand: (operatorId: string, action: ReservationAction) => `server/reservas/request/${operatorId}/${action}`,
  /** Handler pattern for {@link Topics.reservationCommand}; the server fills in its operator id. */
  reservationCommandPattern: (action: ReservationAction) => `server/reservas/request/${OPERATOR_PLACEHOLDER}/${action}`,

  /** Broadcast: every operator answers with its part of one trip (its stops and the stored plan). */
  tripsRequest: 'server/viagens/request',
  /** A trip step for one operator: `server/viagens/request/<operatorId>/<action>`. */
  tripCommand: (operatorId: string, action: TripAction) => `server/viagens/request/${operatorId}/${action}`,
  /** Handler pattern for {@link Topics.tripCommand}; the server fills in its operator id. */
  tripCommandPattern: (action: TripAction) => `server/viagens/request/${OPERATOR_PLACEHOLDER}/${action}`,

  /** A station query for one operator: `server/postos/request/<operatorId>/<action>`. */
  stationCommand: (operatorId: string, action: StationAction) => `server/postos/request/${operatorId}/${action}`,
  /** Handler pattern for {@link Topics.stationCommand}; the server fills in its operator id. */
  stationCommandPattern: (action: StationAction) => `server/postos/request/${OPERATOR_PLACEHOLDER}/${action}`,

  /** Status notification of one charger (EVSE), published by the charger or its gateway (OCPP-like). */
  evseStatus: (operatorId: string, stationId: string, evseUid: string) => `station/${operatorId}/${stationId}/evse/${evseUid}/status`,
  /** Handler pattern: every EVSE status of the server's own operator. */
  evseStatusPattern: `station/${OPERATOR_PLACEHOLDER}/+/evse/+/status`,

  /** Normalized status changes of one station, for gateways (live updates). */
  stationEvents: (operatorId: string, stationId: string) => `client/postos/events/${operatorId}/${stationId}`,
  /** Every station's changes, of every operator. */
  stationEventsFilter: 'client/postos/events/+/+',
  /** Every station's changes of one operator (its replicas follow each other's writes). */
  operatorStationEventsFilter: (operatorId: string) => `client/postos/events/${operatorId}/+`,

  /** Replies to one gateway instance. */
  response: (resource: string, clientId: string) => `client/${resource}/response/${clientId}`,
  /** The one subscription a gateway instance holds for all of its replies. */
  responseFilter: (clientId: string) => `client/+/response/${clientId}`,

  /** Retained presence of one server replica, cleared by its last will. */
  presence: (operatorId: string, instanceId: string) => `server/status/${operatorId}/${instanceId}`,
  presenceFilter: 'server/status/+/+',
} as const;

const REQUEST_TOPIC = /^server\/([a-z]+)\/request(?:\/[^/+#]+){0,2}$/;
const RESPONSE_TOPIC = /^client\/[a-z]+\/response\/[^/+#]+$/;
const PRESENCE_TOPIC = /^server\/status\/([^/+#]+)\/([^/+#]+)$/;
const EVSE_STATUS_TOPIC = /^station\/([^/+#]+)\/([^/+#]+)\/evse\/([^/+#]+)\/status$/;
const STATION_EVENTS_TOPIC = /^client\/postos\/events\/([^/+#]+)\/([^/+#]+)$/;

/** The resource named by a request topic (`server/<resource>/request[/<operatorId>[/<action>]]`). */
export function resourceOfRequest(topic: string): string | undefined {
  return REQUEST_TOPIC.exec(topic)?.[1];
}

/** True for a topic a server may publish a reply on. */
export function isResponseTopic(topic: string): boolean {
  return RESPONSE_TOPIC.test(topic);
}

/** Operator and instance ids of a presence topic, or undefined for any other topic. */
export function parsePresenceTopic(topic: string): { operatorId: string; instanceId: string } | undefined {
  const match = PRESENCE_TOPIC.exec(topic);
  return match ? { operatorId: match[1], instanceId: match[2] } : undefined;
}

/** Operator, station and EVSE of a status notification topic. */
export function parseEvseStatusTopic(topic: string): { operatorId: string; stationId: string; evseUid: string } | undefined {
  const match = EVSE_STATUS_TOPIC.exec(topic);
  return match ? { operatorId: match[1], stationId: match[2], evseUid: match[3] } : undefined;
}

/** True for a topic that carries station events. */
export function isStationEventsTopic(topic: string): boolean {
  return STATION_EVENTS_TOPIC.test(topic);
}

/** True when `topic` is matched by the subscription `filter` (MQTT `+` and `#` wildcards). */
export function topicMatches(filter: string, topic: string): boolean {
  const wanted = filter.split('/');
  const levels = topic.split('/');
  for (let i = 0; i < wanted.length; i++) {
    if (wanted[i] === '#') return true;
    if (i >= levels.length || (wanted[i] !== '+' && wanted[i] !== levels[i])) return false;
  }
  return wanted.length === levels.length;
}

/** Ids that may stand inside a topic: no separators, wildcards or spaces. */
export const TOPIC_SAFE = /^[A-Za-z0-9_.-]+$/;
export const TOPIC_SAFE_MESSAGE = 'may hold only letters, digits, "_", "." and "-"';
