// Resolves `--cluster PATH`: a dump folder that keeps its objects under `cluster/` (and support
// files such as values and test pods elsewhere, e.g. `inputs/`) is read from `cluster/` only.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expandPaths } from './files.js';

/** The folder subdirectory that holds a dump's cluster objects. */
export const DUMP_OBJECTS_DIR = 'cluster';

/** The path to load for `--cluster PATH`: `PATH/cluster` when PATH is a folder holding one, else PATH. */
export function clusterDumpPath(path: string): string {
  const inner = join(path, DUMP_OBJECTS_DIR);
  try {
    if (statSync(path).isDirectory() && statSync(inner).isDirectory()) return inner;
  } catch {
    // missing paths are reported by the loader, which names them
  }
  return path;
}

/**
 * The files of `--cluster PATH` that are not read, each with why: in a folder read, those that are not
 * .yaml/.yml/.json (hidden ones aside); for a folder holding cluster/, its own YAML/JSON files beside it.
 * Files the command reads through another option (`readOtherwise`, resolved paths: a values file kept
 * beside cluster/ and given with --values) are not listed.
 */
export function dumpFilesNotRead(path: string, readOtherwise: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  const given = (f: string) => readOtherwise.has(resolve(f));
  const read = clusterDumpPath(path);
  if (read !== path) {
    try {
      for (const e of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        if (e.isFile() && !e.name.startsWith('.') && /\.(ya?ml|json)$/i.test(e.name) && !given(join(path, e.name))) out.push(`${join(path, e.name)} (--cluster ${path} reads ${read} only)`);
      }
    } catch {
      // the loader reports unreadable folders
    }
  }
  for (const f of expandPaths([read]).passedOver) if (!given(f)) out.push(`${f} (not .yaml, .yml or .json)`);
  return out;
}
