// CLI commands of the chart area (placeholders until the area lands).
import type { Command } from 'commander';
import { type CliContext, notYet } from '../program.js';

/** Registers the chart commands. */
export function registerChart(program: Command, ctx: CliContext): void {
  notYet(program, 'chart', 'render the kyverno-policies chart', ctx);
  notYet(program, 'versions', 'Kyverno/Kubernetes version matrix', ctx);
}
