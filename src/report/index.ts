// Public surface of report/: results rendered for people (the HTML migration report).

export type { Attrs, Child, Html } from './html-builder.js';
export { el, escapeHtml, frag } from './html-builder.js';
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
