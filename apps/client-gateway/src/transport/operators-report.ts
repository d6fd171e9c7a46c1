import { GatewayTimeoutException, ServiceUnavailableException, type HttpException } from '@nestjs/common';
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

/**
 * Why a broadcast has no answer to give: 504 when every operator asked was just too slow, 503 when
 * one failed or none could be asked. The same rule for every broadcast route.
 */
export function noAnswerException(report: OperatorsReportDto, timeoutMs: number): HttpException {
  const who = `timed out: ${report.timed_out.join(', ') || '-'}; failed: ${report.failed.join(', ') || '-'}`;
  return report.failed.length === 0 && report.timed_out.length > 0
    ? new GatewayTimeoutException(`No operator answered within ${timeoutMs} ms (${who})`)
    : new ServiceUnavailableException(`No operator could answer (${who})`);
}
