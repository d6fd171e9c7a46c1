import type { ScatterResult } from '@app/shared';
import type { OperatorsReportDto } from '../stations/dto/stations-response.dto.js';

/** Who took part in a broadcast answer: `answered` are the operators whose data was used; other replies failed. */
export function operatorsReport(result: ScatterResult<unknown>, answered: ReadonlySet<string>): OperatorsReportDto {
  return {
    answered: [...answered].sort(),
    timed_out: [...result.timedOut].sort(),
    failed: result.replies.map((reply) => reply.operatorId).filter((operatorId) => !answered.has(operatorId)).sort(),
    offline: [...result.offline].sort(),
  };
}
