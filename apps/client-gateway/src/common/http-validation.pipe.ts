import { BadRequestException, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { flattenValidationErrors, MAX_NESTING, nestedDeeperThan } from '@app/shared';

/** The production validation pipe: a 400 whose detail names every bad parameter. */
export class HttpValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => {
        const details = flattenValidationErrors(errors);
        return new BadRequestException({
          message: details.map((d) => d.message).join('; '),
          errors: details,
        });
      },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Validating a value nested thousands of levels deep would exhaust the stack.
    if (nestedDeeperThan(value)) throw new BadRequestException(`The ${metadata.type} is nested deeper than ${MAX_NESTING} levels`);
    return super.transform(value, metadata);
  }
}
