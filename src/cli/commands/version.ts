// `podgate version`: podgate's version and the Node.js runtime it runs on (the single executable
// carries its own, so this is how an admin learns which one).
import { arch, platform } from 'node:process';
import type { Command } from 'commander';
import { VERSION } from '../../version.js';
import { outputFormat, printJson, printYaml } from '../output.js';
import type { CliContext } from '../program.js';

/** What `podgate version -o json` prints. */
export interface VersionInfo {
  version: string;
  /** `process.version` of the runtime, e.g. `v24.11.1`. */
  node: string;
  platform: string;
  arch: string;
  /** True when running as the single executable (`dist/podgate-linux-x64`), false under a Node.js install. */
  singleExecutable: boolean;
}

function isSingleExecutable(): boolean {
  try {
    // node:sea exists from Node 20.12; getBuiltinModule keeps this synchronous and bundle-agnostic.
    const sea = process.getBuiltinModule?.('node:sea') as { isSea?: () => boolean } | undefined;
    return sea?.isSea?.() === true;
  } catch {
    return false;
  }
}

/** The version facts of this process. */
export function versionInfo(): VersionInfo {
  return { version: VERSION, node: process.version, platform, arch, singleExecutable: isSingleExecutable() };
}

/** Registers `podgate version`. */
export function registerVersion(program: Command, ctx: CliContext): void {
  program
    .command('version')
    .description('print podgate version and the Node.js runtime it runs on')
    .action((_opts: unknown, cmd: Command) => {
      const format = outputFormat(cmd, ['text', 'json', 'yaml']);
      const info = versionInfo();
      if (format === 'json') printJson(ctx.io, info);
      else if (format === 'yaml') printYaml(ctx.io, info);
      else ctx.io.stdout(`podgate ${info.version} (node ${info.node}, ${info.platform}/${info.arch}${info.singleExecutable ? ', single executable' : ''})\n`);
    });
}
