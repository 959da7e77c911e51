// CLI commands of the psp area (placeholders until the area lands).
import type { Command } from 'commander';
import { type CliContext, notYet } from '../program.js';

/** Registers the psp commands. */
export function registerPsp(program: Command, ctx: CliContext): void {
  notYet(program, 'psp', 'PodSecurityPolicy admission (Kubernetes 1.24 exact)', ctx);
}
