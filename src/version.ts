// podgate's version: a literal (not read from package.json at run time) so the single-executable
// build carries it with no file beside it. test/version.test.ts keeps it equal to package.json's.

/** The package version. */
export const VERSION = '0.2.0';
