/** OCPI 2.2.1 enumerations (Locations module), values exactly as on the wire. */

/** Status of an EVSE (OCPI `Status`). */
export enum EvseStatus {
  Available = 'AVAILABLE',
  Blocked = 'BLOCKED',
  Charging = 'CHARGING',
  Inoperative = 'INOPERATIVE',
  OutOfOrder = 'OUTOFORDER',
  Planned = 'PLANNED',
  Removed = 'REMOVED',
  Reserved = 'RESERVED',
  Unknown = 'UNKNOWN',
}

/** Plug or socket standard (OCPI `ConnectorType`, with OCPI 2.3's SAE_J3400 and MCS). */
export enum ConnectorType {
  CHADEMO = 'CHADEMO',
  CHAOJI = 'CHAOJI',
  DOMESTIC_A = 'DOMESTIC_A',
  DOMESTIC_B = 'DOMESTIC_B',
  DOMESTIC_C = 'DOMESTIC_C',
  DOMESTIC_D = 'DOMESTIC_D',
  DOMESTIC_E = 'DOMESTIC_E',
  DOMESTIC_F = 'DOMESTIC_F',
  DOMESTIC_G = 'DOMESTIC_G',
  DOMESTIC_H = 'DOMESTIC_H',
  DOMESTIC_I = 'DOMESTIC_I',
  DOMESTIC_J = 'DOMESTIC_J',
  DOMESTIC_K = 'DOMESTIC_K',
  DOMESTIC_L = 'DOMESTIC_L',
  DOMESTIC_M = 'DOMESTIC_M',
  DOMESTIC_N = 'DOMESTIC_N',
  DOMESTIC_O = 'DOMESTIC_O',
  GBT_AC = 'GBT_AC',
  GBT_DC = 'GBT_DC',
  IEC_60309_2_single_16 = 'IEC_60309_2_single_16',
  IEC_60309_2_three_16 = 'IEC_60309_2_three_16',
  IEC_60309_2_three_32 = 'IEC_60309_2_three_32',
  IEC_60309_2_three_64 = 'IEC_60309_2_three_64',
  IEC_62196_T1 = 'IEC_62196_T1',
  IEC_62196_T1_COMBO = 'IEC_62196_T1_COMBO',
  IEC_62196_T2 = 'IEC_62196_T2',
  IEC_62196_T2_COMBO = 'IEC_62196_T2_COMBO',
  IEC_62196_T3A = 'IEC_62196_T3A',
  IEC_62196_T3C = 'IEC_62196_T3C',
  MCS = 'MCS',
  NEMA_5_20 = 'NEMA_5_20',
  NEMA_6_30 = 'NEMA_6_30',
  NEMA_6_50 = 'NEMA_6_50',
  NEMA_10_30 = 'NEMA_10_30',
  NEMA_10_50 = 'NEMA_10_50',
  NEMA_14_30 = 'NEMA_14_30',
  NEMA_14_50 = 'NEMA_14_50',
  PANTOGRAPH_BOTTOM_UP = 'PANTOGRAPH_BOTTOM_UP',
  PANTOGRAPH_TOP_DOWN = 'PANTOGRAPH_TOP_DOWN',
  SAE_J3400 = 'SAE_J3400',
  TESLA_R = 'TESLA_R',
  TESLA_S = 'TESLA_S',
}

export enum ConnectorFormat {
  Socket = 'SOCKET',
  Cable = 'CABLE',
}

export enum PowerType {
  AC1Phase = 'AC_1_PHASE',
  AC2Phase = 'AC_2_PHASE',
  AC2PhaseSplit = 'AC_2_PHASE_SPLIT',
  AC3Phase = 'AC_3_PHASE',
  DC = 'DC',
}

export enum Capability {
  ChargingProfileCapable = 'CHARGING_PROFILE_CAPABLE',
  ChargingPreferencesCapable = 'CHARGING_PREFERENCES_CAPABLE',
  ChipCardSupport = 'CHIP_CARD_SUPPORT',
  ContactlessCardSupport = 'CONTACTLESS_CARD_SUPPORT',
  CreditCardPayable = 'CREDIT_CARD_PAYABLE',
  DebitCardPayable = 'DEBIT_CARD_PAYABLE',
  PedTerminal = 'PED_TERMINAL',
  RemoteStartStopCapable = 'REMOTE_START_STOP_CAPABLE',
  Reservable = 'RESERVABLE',
  RfidReader = 'RFID_READER',
  StartSessionConnectorRequired = 'START_SESSION_CONNECTOR_REQUIRED',
  TokenGroupCapable = 'TOKEN_GROUP_CAPABLE',
  UnlockCapable = 'UNLOCK_CAPABLE',
}

export enum ParkingType {
  AlongMotorway = 'ALONG_MOTORWAY',
  ParkingGarage = 'PARKING_GARAGE',
  ParkingLot = 'PARKING_LOT',
  OnDriveway = 'ON_DRIVEWAY',
  OnStreet = 'ON_STREET',
  UndergroundGarage = 'UNDERGROUND_GARAGE',
}

export enum Facility {
  Hotel = 'HOTEL',
  Restaurant = 'RESTAURANT',
  Cafe = 'CAFE',
  Mall = 'MALL',
  Supermarket = 'SUPERMARKET',
  Sport = 'SPORT',
  RecreationArea = 'RECREATION_AREA',
  Nature = 'NATURE',
  Museum = 'MUSEUM',
  BikeSharing = 'BIKE_SHARING',
  BusStop = 'BUS_STOP',
  TaxiStand = 'TAXI_STAND',
  TramStop = 'TRAM_STOP',
  MetroStation = 'METRO_STATION',
  TrainStation = 'TRAIN_STATION',
  Airport = 'AIRPORT',
  ParkingLot = 'PARKING_LOT',
  CarpoolParking = 'CARPOOL_PARKING',
  FuelStation = 'FUEL_STATION',
  Wifi = 'WIFI',
}

/** Reservation states (OCPI 2.3 Bookings): PENDING -> RESERVED | REJECTED | FAILED; RESERVED -> FULFILLED | CANCELED | NO_SHOW. */
export enum ReservationStatus {
  Pending = 'PENDING',
  Reserved = 'RESERVED',
  Rejected = 'REJECTED',
  Failed = 'FAILED',
  Fulfilled = 'FULFILLED',
  Canceled = 'CANCELED',
  NoShow = 'NO_SHOW',
}
