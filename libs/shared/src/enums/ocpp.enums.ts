import { EvseStatus } from './ocpi.enums.js';

/**
 * Connector status as chargers report it: OCPP 1.6 ChargePointStatus and OCPP 2.0.1
 * ConnectorStatusEnumType (which adds `Occupied`), values exactly as on the wire.
 */
export enum ChargerStatus {
  Available = 'Available',
  Occupied = 'Occupied',
  Preparing = 'Preparing',
  Charging = 'Charging',
  SuspendedEVSE = 'SuspendedEVSE',
  SuspendedEV = 'SuspendedEV',
  Finishing = 'Finishing',
  Reserved = 'Reserved',
  Unavailable = 'Unavailable',
  Faulted = 'Faulted',
}

/** The OCPI EVSE status a charger status stands for (the usual OCPP-to-OCPI mapping). */
export function toEvseStatus(status: ChargerStatus): EvseStatus {
  switch (status) {
    case ChargerStatus.Available:
      return EvseStatus.Available;
    case ChargerStatus.Reserved:
      return EvseStatus.Reserved;
    case ChargerStatus.Unavailable:
      return EvseStatus.Inoperative;
    case ChargerStatus.Faulted:
      return EvseStatus.OutOfOrder;
    default:
      // Occupied, Preparing, Charging, Suspended*, Finishing: a car is at the charger.
      return EvseStatus.Charging;
  }
}
