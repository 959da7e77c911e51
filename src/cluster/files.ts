// Reads Kubernetes objects from files, directories (recursive, .yaml/.yml/.json) and stdin.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type InputError, type LoadedObject, type ParseOptions, parseObjects } from '../kube/index.js';

/** Objects read plus every input problem. */
export interface LoadResult {
  objects: LoadedObject[];
  errors: InputError[];
}

const EXT = /\.(ya?ml|json)$/i;

/** Expands paths: files as given, directories recursively (sorted) to their .yaml/.yml/.json files. */
export function expandPaths(paths: readonly string[]): { files: string[]; errors: InputError[] } {
  const files: string[] = [];
  const errors: InputError[] = [];
  const walk = (p: string, top: boolean) => {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch (err) {
      errors.push({ code: 'READ_FAILED', file: p, message: `cannot read: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}` });
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (name.startsWith('.') && !top) continue;
        walk(join(p, name), false);
      }
    } else if (top || EXT.test(p)) {
      files.push(p);
    }
  };
  for (const p of paths) walk(p, true);
  return { files, errors };
}

/** Loads objects from paths (`-` means stdin text, passed in by the caller). */
export function loadObjects(paths: readonly string[], opts: ParseOptions & { stdin?: string } = {}): LoadResult {
  const out: LoadResult = { objects: [], errors: [] };
  for (const p of paths) {
    if (p === '-') {
      const r = parseObjects(opts.stdin ?? '', '<stdin>', opts);
      out.objects.push(...r.objects);
      out.errors.push(...r.errors);
      continue;
    }
    const { files, errors } = expandPaths([p]);
    out.errors.push(...errors);
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch (err) {
        out.errors.push({ code: 'READ_FAILED', file: f, message: `cannot read: ${(err as Error).message}` });
        continue;
      }
      const r = parseObjects(text, f, opts);
      out.objects.push(...r.objects);
      out.errors.push(...r.errors);
    }
  }
  return out;
}
