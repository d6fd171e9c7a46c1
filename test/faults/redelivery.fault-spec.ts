import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { EvseStatus, ReservationAction, Resource, Topics, type LocationDto, type ReplyEnvelope, type RequestEnvelope, type ReservationDto } from '@app/shared';
import { eventually } from '../support/eventually.js';
import { collect, plainClient, received } from '../support/mqtt.js';
import { demoDataset } from '../support/paths.js';
import { TestSystem, type Gateway } from '../support/test-system.js';

const COMMANDS = 100;

/**
 * A QoS 1 command delivered twice (as a broker does after a lost PUBACK): each is applied once, and
 * both deliveries are answered with the same reservation.
 */
describe('commands delivered twice', () => {
  const system = new TestSystem();
  let gateway: Gateway;

  beforeAll(async () => {
    [, gateway] = await Promise.all([system.stationServer('BR-VDC'), system.gateway()]);
    await eventually(async () => expect((await fetch(`${gateway.url}/postos`)).status).toBe(200), 60_000);
  }, 240_000);

  afterAll(() => system.shutdown());

  it(`applies each of ${COMMANDS} duplicated reservation commands once`, async () => {
    const stations = JSON.parse(readFileSync(demoDataset('BR-VDC'), 'utf8')) as LocationDto[];
    const evses = stations.flatMap((s) => s.evses.filter((e) => e.status === EvseStatus.Available).map((e) => ({ station_id: s.id, evse_uid: e.uid })));
    const client = await plainClient(system.broker);
    const replyTo = Topics.response(Resource.Reservations, `dup-${randomUUID().slice(0, 8)}`);
    const replies = await collect<ReplyEnvelope<ReservationDto>>(client, system.topicPrefix + replyTo);
    const token = `dup-${randomUUID().slice(0, 8)}`;
    const topic = system.topicPrefix + Topics.reservationCommand('BR-VDC', ReservationAction.Create);
    try {
      const commands: RequestEnvelope[] = Array.from({ length: COMMANDS }, (_, i) => ({
        id: randomUUID(),
        reply_to: replyTo,
        access_token: system.auth.token('driver-redelivery'),
        data: {
          ...evses[i % evses.length],
          token,
          starts_at: new Date(Date.now() + (60 + Math.floor(i / evses.length) * 60) * 60_000).toISOString(),
          duration_minutes: 30,
          idempotency_key: randomUUID(),
        },
      }));
      // Each command twice, the second as a redelivery, interleaved with the others.
      await Promise.all(commands.flatMap((command) => [
        client.publishAsync(topic, JSON.stringify(command), { qos: 1 }),
        client.publishAsync(topic, JSON.stringify(command), { qos: 1, dup: true }),
      ]));
      await received(replies, 2 * COMMANDS, 30_000);
      const byCommand = commands.map((command) => replies.messages.filter((reply) => reply.id === command.id));
      const sameAnswer = byCommand.filter((pair) => pair.length === 2 && pair[0].data?.id !== undefined && pair[0].data.id === pair[1].data?.id).length;
      const listed = (await (await fetch(`${gateway.url}/reservas?token=${token}`, { headers: system.auth.bearer('driver-redelivery') })).json()) as { data: ReservationDto[] };
      process.stdout.write(
        `${COMMANDS} commands delivered twice: ${replies.messages.length} replies, ${sameAnswer} pairs answered with the same reservation, ` +
          `${listed.data.length} reservations stored\n`,
      );
      const odd = byCommand.filter((pair) => !(pair.length === 2 && pair[0].data?.id !== undefined && pair[0].data.id === pair[1].data?.id));
      expect(odd.map((pair) => JSON.stringify(pair.map((reply) => reply.error ?? reply.data?.id)))).toEqual([]);
      expect(sameAnswer).toBe(COMMANDS);
      expect(listed.data).toHaveLength(COMMANDS);
      expect(new Set(listed.data.map((r) => r.id)).size).toBe(COMMANDS);
    } finally {
      await client.endAsync();
    }
  }, 120_000);
});
