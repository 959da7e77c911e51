// CLI commands of the webhook area (placeholders until the area lands).
import type { Command } from 'commander';
import { type CliContext, notYet } from '../program.js';

/** Registers the webhook commands. */
export function registerWebhook(program: Command, ctx: CliContext): void {
  notYet(program, 'serve', 'run the admission webhook', ctx);
  notYet(program, 'certs', 'generate webhook certificates', ctx);
}
