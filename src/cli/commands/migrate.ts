// CLI commands of the migrate area (placeholders until the area lands).
import type { Command } from 'commander';
import { type CliContext, notYet } from '../program.js';

/** Registers the migrate commands. */
export function registerMigrate(program: Command, ctx: CliContext): void {
  notYet(program, 'migrate', 'audit, exceptions, diff, convert, plan, report', ctx);
}
