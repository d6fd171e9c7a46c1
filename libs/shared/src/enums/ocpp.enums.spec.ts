import { EvseStatus } from './ocpi.enums.js';
import { ChargerStatus, toEvseStatus } from './ocpp.enums.js';

describe('charger status to EVSE status', () => {
  it.each([
    [ChargerStatus.Available, EvseStatus.Available],
    [ChargerStatus.Occupied, EvseStatus.Charging],
    [ChargerStatus.Preparing, EvseStatus.Charging],
    [ChargerStatus.Charging, EvseStatus.Charging],
    [ChargerStatus.SuspendedEV, EvseStatus.Charging],
    [ChargerStatus.SuspendedEVSE, EvseStatus.Charging],
    [ChargerStatus.Finishing, EvseStatus.Charging],
    [ChargerStatus.Reserved, EvseStatus.Reserved],
    [ChargerStatus.Unavailable, EvseStatus.Inoperative],
    [ChargerStatus.Faulted, EvseStatus.OutOfOrder],
  ])('%s is %s', (charger, evse) => {
    expect(toEvseStatus(charger)).toBe(evse);
  });
});
