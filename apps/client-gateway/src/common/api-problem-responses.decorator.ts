import { STATUS_CODES } from 'node:http';
import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_JSON } from './problem-details.filter.js';

const EXAMPLE_DETAIL: Record<number, string> = {
  400: 'property foo should not exist',
  404: 'Station FSA-999 not found',
  409: 'The EVSE is already reserved for that window',
  429: 'Too many requests',
  503: 'No operator is online',
  504: 'No operator answered within 3000 ms',
};

/** Documents error statuses as `application/problem+json` with an example body. */
export function ApiProblemResponses(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: STATUS_CODES[status],
        content: {
          [PROBLEM_JSON]: {
            schema: { $ref: getSchemaPath('ProblemDetailsDto') },
            example: {
              type: 'about:blank',
              title: STATUS_CODES[status],
              status,
              detail: EXAMPLE_DETAIL[status] ?? STATUS_CODES[status],
              instance: '/postos',
              request_id: '6f1c2a1e-3b7d-4f7e-9b7a-0d3c7e1f2a4b',
            },
          },
        },
      }),
    ),
  );
}
