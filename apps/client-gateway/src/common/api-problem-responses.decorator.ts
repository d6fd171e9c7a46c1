import { STATUS_CODES } from 'node:http';
import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_JSON } from './problem-details.filter.js';

const EXAMPLE_DETAIL: Record<number, string> = {
  400: 'property foo should not exist',
  401: 'The access token expired',
  404: 'Station FSA-999 not found',
  409: 'EVSE FSA-001-E1 is already reserved from 2026-11-27T15:00:00.000Z to 2026-11-27T15:30:00.000Z',
  422: 'This Idempotency-Key was used with a different request',
  429: 'Too many requests',
  503: 'No operator is online',
  504: 'No operator answered within 3000 ms',
};

/** Documents error statuses as `application/problem+json` with an example body. */
export function ApiProblemResponses(...statuses: number[]) {
  return ApiProblemResponsesAt('/postos', ...statuses);
}

/** The same, with the example's `instance` set to `path`. */
export function ApiProblemResponsesAt(path: string, ...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: status === 401 ? 'No bearer access token, or one that is not valid (expired, wrong issuer or audience, bad signature)' : STATUS_CODES[status],
        ...(status === 401
          ? {
              headers: {
                'WWW-Authenticate': {
                  description: 'RFC 6750 challenge; error="invalid_token" when a token was sent and refused',
                  schema: { type: 'string', example: 'Bearer realm="ev-charging", error="invalid_token", error_description="The access token expired"' },
                },
              },
            }
          : {}),
        content: {
          [PROBLEM_JSON]: {
            schema: { $ref: getSchemaPath('ProblemDetailsDto') },
            example: {
              type: 'about:blank',
              title: STATUS_CODES[status],
              status,
              detail: EXAMPLE_DETAIL[status] ?? STATUS_CODES[status],
              instance: path,
              ...(status === 409 ? { conflict: { evse_uid: 'FSA-001-E1', starts_at: '2026-11-27T15:00:00.000Z', ends_at: '2026-11-27T15:30:00.000Z' } } : {}),
              request_id: '6f1c2a1e-3b7d-4f7e-9b7a-0d3c7e1f2a4b',
            },
          },
        },
      }),
    ),
  );
}
