// Resolves `--cluster PATH`: a dump folder that keeps its objects under `cluster/` (and support
// files such as values and test pods elsewhere, e.g. `inputs/`) is read from `cluster/` only.
import { statSync } from 'node:fs';
import { join } from 'node:path';

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
