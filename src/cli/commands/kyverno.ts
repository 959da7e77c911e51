// CLI commands of the kyverno area (placeholders until the area lands).
import type { Command } from 'commander';
import { type CliContext, notYet } from '../program.js';

/** Registers the kyverno commands. */
export function registerKyverno(program: Command, ctx: CliContext): void {
  notYet(program, 'test', 'run kyverno-test.yaml suites (like kyverno test)', ctx);
  notYet(program, 'apply', 'apply Kyverno policies to resources', ctx);
}
