// The `inventory` command: what a cluster dump holds (placeholder for the main job).
import type { Command } from 'commander';
import { type CliContext, notYet } from '../program.js';

/** Registers the inventory command. */
export function registerInventory(program: Command, ctx: CliContext): void {
  notYet(program, 'inventory', 'PSPs, who can use them, and workloads of a cluster dump', ctx);
}
