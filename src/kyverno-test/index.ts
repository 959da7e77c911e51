// Public surface of kyverno-test/: finding, parsing and running kyverno-test.yaml suites.
export type { SuiteRun, TestRow } from './run.js';
export { findSuites, requestSubject, runSuiteFile, updateFromValues, withRequestObjectValues } from './run.js';
export type { ExpectedResult, SuiteSpec, SuiteValues } from './suite.js';
export { parseSuite, parseValues, valuesShapeErrors } from './suite.js';
export type { ReportInput } from './policy-report.js';
export { buildPolicyReports, reportStatus } from './policy-report.js';
export { valueKeyErrors, valuesContext } from './values-context.js';
