// CLI commands of the admission area (placeholders until the area lands).
import type { Command } from 'commander';
import { type CliContext, notYet } from '../program.js';

/** Registers the admission commands. */
export function registerAdmission(program: Command, ctx: CliContext): void {
  notYet(program, 'admit', 'answer an AdmissionReview as Kyverno would', ctx);
}
