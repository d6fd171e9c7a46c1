import { randomUUID } from 'node:crypto';
import { tripStopReservationId } from './trip.dto.js';

/** The form every reservation id has: `<operator>-<uuid>`. */
const RESERVATION_ID = /^BR-FSA-[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('tripStopReservationId', () => {
  it('is a reservation id of the operator, with a version 8 uuid', () => {
    for (let i = 0; i < 200; i++) expect(tripStopReservationId('BR-FSA', randomUUID(), i % 20)).toMatch(RESERVATION_ID);
  });

  it('is the same for the same trip and stop, and differs for another trip, stop or operator', () => {
    const trip = randomUUID();
    const id = tripStopReservationId('BR-FSA', trip, 3);
    expect(tripStopReservationId('BR-FSA', trip, 3)).toBe(id);
    expect(tripStopReservationId('BR-FSA', trip, 4)).not.toBe(id);
    expect(tripStopReservationId('BR-FSA', randomUUID(), 3)).not.toBe(id);
    expect(tripStopReservationId('BR-SSA', trip, 3)).toBe(id.replace('BR-FSA', 'BR-SSA'));
  });

  it('gives every stop of many trips its own id', () => {
    const ids = new Set<string>();
    for (let trip = 0; trip < 500; trip++) {
      const tripId = randomUUID();
      for (let stop = 0; stop < 20; stop++) ids.add(tripStopReservationId('BR-FSA', tripId, stop));
    }
    expect(ids.size).toBe(500 * 20);
  });
});
