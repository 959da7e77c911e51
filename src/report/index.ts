// Public surface of report/: results rendered for people (the HTML migration report).

export { escapeHtml } from './html-builder.js';
export type {
  MigrationReport,
  ReportAudit,
  ReportAuditSummary,
  ReportDiff,
  ReportDiffEntry,
  ReportExceptions,
  ReportPlanStep,
  ReportViolation,
} from './html-types.js';
export { renderHtmlReport } from './html.js';
