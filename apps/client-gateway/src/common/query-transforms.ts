import { applyDecorators } from '@nestjs/common';
import { TOPIC_SAFE, TOPIC_SAFE_MESSAGE } from '@app/shared';
import { Transform, type TransformFnParams } from 'class-transformer';
import { ArrayMaxSize, IsArray, Matches } from 'class-validator';

/** A number from a query string; anything else stays as it is, for the validator to name. */
export const toNumber = ({ value }: TransformFnParams): unknown =>
  typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;

/** A repeatable query parameter, also accepted as a comma-separated list. */
export const toList = ({ value }: TransformFnParams): unknown =>
  (Array.isArray(value) ? value : [value]).flatMap((item: unknown) => (typeof item === 'string' ? item.split(',').map((s) => s.trim()) : [item]));

/** `true` and `false` from a query string; anything else stays as it is. */
export const toBoolean = ({ value }: TransformFnParams): unknown => (value === 'true' ? true : value === 'false' ? false : value);

/** A query parameter listing ids (operators, stations), repeated or comma-separated, each topic-safe. */
export function IdListQuery(parameter: string, maxItems: number): PropertyDecorator {
  return applyDecorators(
    Transform(toList),
    IsArray(),
    ArrayMaxSize(maxItems),
    Matches(TOPIC_SAFE, { each: true, message: `${parameter} ${TOPIC_SAFE_MESSAGE}` }),
  );
}
