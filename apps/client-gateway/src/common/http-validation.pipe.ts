import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors } from '@app/shared';

/** The production validation pipe: a 400 whose detail names every bad parameter. */
export function createHttpValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
