/** Injection token of the gateway's MQTT client (an MqttClientProxy). */
export const STATIONS_CLIENT = Symbol('STATIONS_CLIENT');
