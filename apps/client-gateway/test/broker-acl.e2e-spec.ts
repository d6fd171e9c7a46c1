import { randomUUID } from 'node:crypto';
import { ReservationAction, Resource, Topics } from '@app/shared';
import type { MqttClient } from 'mqtt';
import { eventually } from '../../../test/support/eventually.js';
import { plainClient } from '../../../test/support/mqtt.js';
import { hasMosquitto, startDeployedMosquitto } from '../../../test/support/own-broker.js';
import type { BrokerAddress } from '../../../test/support/test-system.js';

/**
 * The broker logins and topic rights of deploy/mosquitto/{passwd,acl}, on a Mosquitto of this
 * test's own. Mosquitto grants any subscription and filters at delivery, so rights are asserted
 * by what is delivered: a message that must not arrive is followed, from the same publisher at
 * the same QoS, by one that may; once that one has arrived, the first would have too.
 */
(hasMosquitto() ? describe : describe.skip)('broker logins and topic rights (deploy/mosquitto)', () => {
  let broker: { address: BrokerAddress; stop(): Promise<void> };
  const clients: MqttClient[] = [];

  /** A client logged in as `user` with its demo password (`<user>-demo-password`). */
  async function login(user: string, clientId = `${user}-${randomUUID().slice(0, 8)}`): Promise<MqttClient> {
    const client = await plainClient(broker.address, { username: user, password: `${user}-demo-password`, clientId });
    clients.push(client);
    return client;
  }

  /** Every message the client receives, by topic. */
  function inbox(client: MqttClient): string[] {
    const topics: string[] = [];
    client.on('message', (topic) => topics.push(topic));
    return topics;
  }

  beforeAll(async () => {
    broker = await startDeployedMosquitto();
  }, 30_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync().catch(() => undefined)));
    await broker?.stop();
  });

  it('refuses a wrong password, no credentials, an unknown user and the retired shared gateway login', async () => {
    await expect(plainClient(broker.address, { username: 'gateway-1', password: 'gateway-2-demo-password' })).rejects.toThrow(/authori/i);
    await expect(plainClient(broker.address, { username: 'server-fsa', password: 'wrong' })).rejects.toThrow(/authori/i);
    await expect(plainClient(broker.address)).rejects.toThrow(/authori/i);
    await expect(plainClient(broker.address, { username: 'intruder', password: 'intruder-demo-password' })).rejects.toThrow(/authori/i);
    await expect(plainClient(broker.address, { username: 'gateway', password: 'gateway-demo-password' })).rejects.toThrow(/authori/i);
    for (const user of ['gateway-1', 'gateway-2', 'server-fsa', 'server-ssa', 'server-vdc']) await expect(login(user)).resolves.toBeDefined();
  });

  it('keeps a gateway login from publishing what only station servers publish: replies, presence and station events', async () => {
    const server = await login('server-fsa');
    const serverInbox = inbox(server);
    const replyTopic = Topics.response(Resource.Stations, server.options.clientId!);
    await server.subscribeAsync([Topics.presence('BR-FSA', '+'), replyTopic, Topics.operatorStationEventsFilter('BR-FSA'), Topics.stationsRequest], { qos: 1 });
    const gateway = await login('gateway-1', `cliente1-${randomUUID().slice(0, 8)}`);

    // MQTT 5 tells the publisher at once; delivery is checked below all the same.
    await expect(gateway.publishAsync(Topics.presence('BR-FSA', 'forged-instance'), '{"operator_id":"BR-FSA"}', { qos: 1, retain: true })).rejects.toThrow(/not authori/i);
    await expect(gateway.publishAsync(replyTopic, '{"id":"forged"}', { qos: 1 })).rejects.toThrow(/not authori/i);
    await expect(gateway.publishAsync(Topics.stationEvents('BR-FSA', 'FSA-001'), '{"status":"AVAILABLE"}', { qos: 1 })).rejects.toThrow(/not authori/i);
    await gateway.publishAsync(Topics.stationsRequest, '{"marker":true}', { qos: 1 });

    await eventually(() => expect(serverInbox).toContain(Topics.stationsRequest));
    expect(serverInbox).toEqual([Topics.stationsRequest]);
    // The forged presence was not retained either: a new subscriber gets nothing but its marker.
    const late = await login('gateway-2');
    const lateInbox = inbox(late);
    await late.subscribeAsync([Topics.presence('BR-FSA', '+')], { qos: 1 });
    const fsaServer = await login('server-fsa');
    await fsaServer.publishAsync(Topics.presence('BR-FSA', 'marker'), '{"operator_id":"BR-FSA"}', { qos: 1 });
    await eventually(() => expect(lateInbox).toContain(Topics.presence('BR-FSA', 'marker')));
    expect(lateInbox).toEqual([Topics.presence('BR-FSA', 'marker')]);
  });

  it("keeps one operator's servers off another operator's request topics and presence", async () => {
    const fsa = await login('server-fsa');
    const fsaInbox = inbox(fsa);
    await fsa.subscribeAsync(
      [
        Topics.reservationCommand('BR-SSA', ReservationAction.Create),
        Topics.reservationCommand('BR-SSA', ReservationAction.Cancel),
        Topics.operatorRequest(Resource.Stations, 'BR-SSA'),
        Topics.presence('BR-SSA', '+'),
        Topics.reservationCommand('BR-FSA', ReservationAction.Create),
      ],
      { qos: 1 },
    );
    const gateway = await login('gateway-2', `cliente2-${randomUUID().slice(0, 8)}`);
    const ssa = await login('server-ssa');
    await ssa.publishAsync(Topics.presence('BR-SSA', 'ssa-1'), '{"operator_id":"BR-SSA"}', { qos: 1 });
    await gateway.publishAsync(Topics.reservationCommand('BR-SSA', ReservationAction.Create), '{}', { qos: 1 });
    await gateway.publishAsync(Topics.reservationCommand('BR-SSA', ReservationAction.Cancel), '{}', { qos: 1 });
    await gateway.publishAsync(Topics.operatorRequest(Resource.Stations, 'BR-SSA'), '{}', { qos: 1 });
    await gateway.publishAsync(Topics.reservationCommand('BR-FSA', ReservationAction.Create), '{"marker":true}', { qos: 1 });

    await eventually(() => expect(fsaInbox).toContain(Topics.reservationCommand('BR-FSA', ReservationAction.Create)));
    expect(fsaInbox).toEqual([Topics.reservationCommand('BR-FSA', ReservationAction.Create)]);

    // Nor may it speak for BR-SSA, or send requests as a gateway would.
    const ssaInbox = inbox(ssa);
    const ssaReplies = Topics.response(Resource.Reservations, ssa.options.clientId!);
    await ssa.subscribeAsync([Topics.presence('BR-SSA', '+'), Topics.reservationCommand('BR-SSA', ReservationAction.Create), ssaReplies], { qos: 1 });
    await expect(fsa.publishAsync(Topics.presence('BR-SSA', 'forged'), '{}', { qos: 1 })).rejects.toThrow(/not authori/i);
    await expect(fsa.publishAsync(Topics.reservationCommand('BR-SSA', ReservationAction.Create), '{}', { qos: 1 })).rejects.toThrow(/not authori/i);
    await fsa.publishAsync(ssaReplies, '{"marker":true}', { qos: 1 });
    await eventually(() => expect(ssaInbox).toContain(ssaReplies));
    expect(ssaInbox.filter((topic) => topic !== Topics.presence('BR-SSA', 'ssa-1'))).toEqual([ssaReplies]);
  });
});
