import type { ValidationError } from 'class-validator';

/** One failed rule, with the dotted path of the field (`evses[0].connectors[1].standard`). */
export interface FieldError {
  field: string;
  message: string;
}

/** Flattens class-validator's nested errors into one entry per failed rule, naming each field by its path. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = !parent
      ? error.property
      : /^\d+$/.test(error.property)
        ? `${parent}[${error.property}]`
        : `${parent}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message: namedAt(message, error.property, field) }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** class-validator starts messages with the bare property name; say the full path instead. */
function namedAt(message: string, property: string, field: string): string {
  return property && message.startsWith(`${property} `) ? `${field}${message.slice(property.length)}` : message;
}
