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

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes file bytes as UTF-8 (a BOM is dropped); anything else is an error naming the file, never U+FFFD. */
export function decodeText(bytes: Uint8Array, file: string): { text: string } | { error: InputError } {
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    let at = 0;
    // Name the first line that does not decode, so the user can find it.
    for (let i = 0, line = 1; i < bytes.length; i++) {
      if (bytes[i] === 0x0a) line++;
      if (bytes[i]! >= 0x80) {
        try {
          utf8.decode(bytes.subarray(i, Math.min(bytes.length, i + 4)));
        } catch {
          at = line;
          break;
        }
      }
    }
    return { error: { code: 'ENCODING', file, ...(at > 0 ? { line: at } : {}), message: 'not UTF-8 text (Kubernetes manifests are UTF-8; convert it, e.g. iconv -f latin1 -t utf-8)' } };
  }
}

/** Reads a text file as UTF-8 or returns the problem. */
export function readTextFile(file: string): { text: string } | { error: InputError } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    return { error: { code: 'READ_FAILED', file, message: `cannot read: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}` } };
  }
  return decodeText(bytes, file);
}

/** Loads objects from paths (`-` means stdin text, passed in by the caller). Unless `allowEmpty`, a path that holds no object is an error. */
export function loadObjects(paths: readonly string[], opts: ParseOptions & { stdin?: string; allowEmpty?: boolean } = {}): LoadResult {
  const out: LoadResult = { objects: [], errors: [] };
  for (const p of paths) {
    const before = { objects: out.objects.length, errors: out.errors.length };
    if (p === '-') {
      const r = parseObjects(opts.stdin ?? '', '<stdin>', opts);
      out.objects.push(...r.objects);
      out.errors.push(...r.errors);
    } else {
      const { files, errors } = expandPaths([p]);
      out.errors.push(...errors);
      for (const f of files) {
        const read = readTextFile(f);
        if ('error' in read) {
          out.errors.push(read.error);
          continue;
        }
        const r = parseObjects(read.text, f, opts);
        out.objects.push(...r.objects);
        out.errors.push(...r.errors);
      }
    }
    if (!opts.allowEmpty && out.objects.length === before.objects && out.errors.length === before.errors) {
      out.errors.push({ code: 'EMPTY', file: p === '-' ? '<stdin>' : p, message: `no objects found in ${p === '-' ? 'stdin' : p}` });
    }
  }
  return out;
}
