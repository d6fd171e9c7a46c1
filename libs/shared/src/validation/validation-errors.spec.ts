import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { LocationDto } from '../dto/location.dto.js';
import { flattenValidationErrors } from './validation-errors.js';

function connector(id: string, standard: string) {
  return {
    id,
    standard,
    format: 'SOCKET',
    power_type: 'AC_3_PHASE',
    max_voltage: 230,
    max_amperage: 32,
    max_electric_power: 22000,
    last_updated: '2026-11-20T10:15:00Z',
  };
}

function location(overrides: Record<string, unknown> = {}) {
  return {
    country_code: 'BR',
    party_id: 'FSA',
    id: 'FSA-001',
    publish: true,
    name: 'Boulevard Shopping Feira',
    address: 'Av. João Durval Carneiro, 3665',
    city: 'Feira de Santana',
    country: 'BRA',
    coordinates: { latitude: '-12.2578123', longitude: '-38.9600456' },
    evses: [
      {
        uid: 'FSA-001-E1',
        status: 'AVAILABLE',
        connectors: [connector('1', 'IEC_62196_T2'), connector('2', 'IEC_62196_T2_COMBO')],
        last_updated: '2026-11-20T10:15:00Z',
      },
    ],
    time_zone: 'America/Bahia',
    last_updated: '2026-11-20T10:15:00Z',
    ...overrides,
  };
}

function validate(plain: object): ValidationError[] {
  return validateSync(plainToInstance(LocationDto, plain), { whitelist: true, forbidUnknownValues: true });
}

describe('flattenValidationErrors', () => {
  it('finds nothing wrong with a valid location', () => {
    expect(validate(location())).toEqual([]);
    expect(flattenValidationErrors(validate(location()))).toEqual([]);
  });

  it('names a nested field by its full path and starts the message with that path', () => {
    const plain = location();
    plain.evses[0].connectors[1].standard = 'TESLA_ROADSTER';

    const errors = flattenValidationErrors(validate(plain));

    expect(errors).toHaveLength(1);
    expect(errors[0].field).toBe('evses[0].connectors[1].standard');
    expect(errors[0].message.startsWith('evses[0].connectors[1].standard ')).toBe(true);
    expect(errors[0].message).toContain('must be one of the following values: ');
  });

  it('names a field of a nested object with a dot', () => {
    const errors = flattenValidationErrors(validate(location({ coordinates: { latitude: '12', longitude: '-38.9600456' } })));

    expect(errors).toEqual([{ field: 'coordinates.latitude', message: 'coordinates.latitude must be a decimal string with 5 to 7 decimals' }]);
  });

  it('gives one entry per failed rule, top-level fields by their bare name', () => {
    const errors = flattenValidationErrors(validate(location({ id: 'bad id/#', publish: 'yes' })));
    const fields = errors.map((e) => e.field);

    expect(fields.filter((f) => f === 'id')).toHaveLength(1);
    expect(fields).toContain('publish');
    expect(errors.find((e) => e.field === 'id')!.message).toBe('id may hold only letters, digits, "_", "." and "-"');
    expect(errors.find((e) => e.field === 'publish')!.message).toBe('publish must be a boolean value');
  });

  it('reports errors in several nested places at once', () => {
    const plain = location();
    plain.evses[0].uid = '';
    plain.evses[0].connectors[0].max_voltage = 0;

    const fields = flattenValidationErrors(validate(plain)).map((e) => e.field);

    expect(fields).toContain('evses[0].uid');
    expect(fields).toContain('evses[0].connectors[0].max_voltage');
  });

  it('prefixes a given parent path', () => {
    const errors = flattenValidationErrors(validate(location({ city: '' })), 'body');

    expect(errors).toEqual([{ field: 'body.city', message: 'body.city must be longer than or equal to 1 characters' }]);
  });

  it('leaves alone a message that does not start with the property name', () => {
    const error = { property: 'standard', constraints: { custom: 'pick a known plug' }, children: [] } as ValidationError;
    expect(flattenValidationErrors([error], 'evses[0].connectors[1]')).toEqual([
      { field: 'evses[0].connectors[1].standard', message: 'pick a known plug' },
    ]);
  });
});
