// CLI commands of the users area (placeholders until the area lands).
import type { Command } from 'commander';
import { type CliContext, notYet } from '../program.js';

/** Registers the users commands. */
export function registerUsers(program: Command, ctx: CliContext): void {
  notYet(program, 'users', 'BCM-style permission users', ctx);
  notYet(program, 'lint', 'find bypassable confinement policies', ctx);
}
