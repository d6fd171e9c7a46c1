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
}

/** Commands on reservations, addressed to the operator that holds them. */
export enum ReservationAction {
  Create = 'create',
  Get = 'get',
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

/** Ids that may stand inside a topic: no separators, wildcards or spaces. */
export const TOPIC_SAFE = /^[A-Za-z0-9_.-]+$/;
export const TOPIC_SAFE_MESSAGE = 'may hold only letters, digits, "_", "." and "-"';
