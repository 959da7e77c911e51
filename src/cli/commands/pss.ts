// CLI commands of the pss area (placeholders until the area lands).
import type { Command } from 'commander';
import { type CliContext, notYet } from '../program.js';

/** Registers the pss commands. */
export function registerPss(program: Command, ctx: CliContext): void {
  notYet(program, 'pss', 'Pod Security Standards checks and PSA labels', ctx);
}
