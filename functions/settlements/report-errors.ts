import type { ReportLimits } from '#model/settlement-config';
import { AppError } from '#platform/errors';

/** What is wrong with one cell of a report (line 1 is the header). */
export interface LineProblem {
  line: number;
  column: string;
  message: string;
}

/** A file the importer cannot read at all (no header, a broken CSV quote, not an xlsx): refused whole. */
export class UnreadableReportError extends Error {
  constructor(
    message: string,
    readonly problem: LineProblem,
  ) {
    super(message);
    this.name = 'UnreadableReportError';
  }
}

export type ReportLimitCode =
  | 'report_too_many_lines'
  | 'report_line_too_long'
  | 'report_cell_too_long'
  | 'report_xlsx_too_large'
  | 'report_xlsx_uncompressed_too_large'
  | 'report_xlsx_shared_strings_too_large'
  | 'report_xlsx_too_many_entries';

/**
 * A report past one of the stage's limits (`settlement.limits`, decision 73): refused whole with
 * 422, naming the limit, before anything is applied — reading it on would cost unbounded time or
 * memory, and its lines are not what PagoEfectivo sends anyway.
 */
export class ReportLimitError extends AppError {
  readonly status = 422;
  constructor(
    readonly code: ReportLimitCode,
    detail: string,
    limit: { name: keyof ReportLimits; max: number; line?: number; column?: string },
  ) {
    const { name, ...where } = limit;
    super(detail, { limit: `settlement.limits.${name}`, ...where });
  }
}
