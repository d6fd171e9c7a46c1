import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/** The decorated field, when present, needs `other` as well (e.g. latitude needs longitude). */
export function RequiresField(other: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'requiresField',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [other],
      options: { message: (args: ValidationArguments) => `${args.property} needs ${other} as well`, ...options },
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          value === undefined || (args.object as Record<string, unknown>)[other] !== undefined,
      },
    });
  };
}
