// Reads Kubernetes objects from files, directories (recursive, .yaml/.yml/.json) and stdin. Reading is bounded:
// directories are walked by real path (a symlink loop is reported, a directory or file reached twice is read
// once), each file is read up to a size limit and all files of one load up to a total limit; both limits are
// the CLI's --max-file-size and --max-total-size.
import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cutEndError, type InputError, type LoadedObject, type ParseOptions, parseObjects } from '../kube/index.js';

/** Objects read plus every input problem. */
export interface LoadResult {
  objects: LoadedObject[];
  errors: InputError[];
}

/** How much one load may read. */
export interface ReadLimits {
  /** Bytes of one file. */
  maxFileSize: number;
  /** Bytes of all files of one load (one loadObjects call). */
  maxTotalSize: number;
}

const MI = 1024 * 1024;

/** The defaults: 64 MiB per file, 512 MiB per load. */
export const DEFAULT_READ_LIMITS: Readonly<ReadLimits> = Object.freeze({ maxFileSize: 64 * MI, maxTotalSize: 512 * MI });

let limits: ReadLimits = { ...DEFAULT_READ_LIMITS };

/** Sets the read limits of every later load (unset fields take the defaults). */
export function setReadLimits(l: Partial<ReadLimits> = {}): void {
  limits = { ...DEFAULT_READ_LIMITS, ...l };
}

/** The read limits in force. */
export function readLimits(): Readonly<ReadLimits> {
  return limits;
}

/** `64Mi`, `1.5Gi` or plain bytes, as the limit flags accept them. */
export function formatSize(bytes: number): string {
  for (const [unit, n] of [
    ['Gi', 1024 * MI],
    ['Mi', MI],
    ['Ki', 1024],
  ] as const) {
    if (bytes >= n && bytes % (n / 1024) === 0) return `${Number((bytes / n).toFixed(3))}${unit}`;
  }
  return `${bytes} bytes`;
}

const EXT = /\.(ya?ml|json)$/i;

function readError(file: string, err: unknown): InputError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return { code: 'SYMLINK_LOOP', file, message: 'symbolic link loop: the link resolves to itself' };
  return { code: 'READ_FAILED', file, message: `cannot read: ${code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}` };
}

/**
 * Expands paths: files as given, directories recursively (sorted) to their .yaml/.yml/.json files (the other
 * regular files, but hidden ones, are listed in `passedOver`). Directories
 * are tracked by real path: one that contains itself through a symlink is a SYMLINK_LOOP error (the walk does
 * not enter it again), and a directory or file reached a second time through another link is skipped.
 */
export function expandPaths(paths: readonly string[]): { files: string[]; errors: InputError[]; passedOver: string[] } {
  const files: string[] = [];
  // Regular files of a folder that are not .yaml/.yml/.json (hidden ones aside): not read, but named.
  const passedOver: string[] = [];
  const errors: InputError[] = [];
  const seen = new Set<string>();
  const walk = (p: string, top: boolean, ancestors: ReadonlyMap<string, string>) => {
    let st: ReturnType<typeof statSync>;
    let real: string;
    try {
      st = statSync(p);
      real = realpathSync(p);
    } catch (err) {
      errors.push(readError(p, err));
      return;
    }
    if (st.isDirectory()) {
      const outer = ancestors.get(real);
      if (outer !== undefined) {
        errors.push({ code: 'SYMLINK_LOOP', file: p, message: `symbolic link loop: this directory is ${outer} again (real path ${real}); not read twice` });
        return;
      }
      if (seen.has(real)) return;
      seen.add(real);
      let names: string[];
      try {
        names = readdirSync(p).sort();
      } catch (err) {
        errors.push(readError(p, err));
        return;
      }
      const inner = new Map(ancestors).set(real, p);
      for (const name of names) {
        if (name.startsWith('.') && !top) continue;
        walk(join(p, name), false, inner);
      }
    } else if (!top && EXT.test(p) && !st.isFile()) {
      // A FIFO named x.yaml in a folder would block the read forever. A path given by itself may be one
      // on purpose (`--cluster <(kubectl get … -o yaml)`).
      errors.push({ code: 'READ_FAILED', file: p, message: 'not a regular file (a FIFO, socket or device): a folder is read for its files only' });
    } else if (top || EXT.test(p)) {
      if (seen.has(real)) return;
      seen.add(real);
      files.push(p);
    } else if (st.isFile()) passedOver.push(p);
  };
  for (const p of paths) walk(p, true, new Map());
  return { files, errors, passedOver };
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

/** Reads a text file (within the file size limit) as UTF-8, or returns the problem. */
export function readTextFile(file: string): { text: string } | { error: InputError } {
  let read: ReturnType<typeof readBounded>;
  try {
    const size = statSync(file).size;
    read = size > limits.maxFileSize ? { ok: false, size } : readBounded(file, limits.maxFileSize);
  } catch (err) {
    return { error: readError(file, err) };
  }
  if (!read.ok) return { error: { code: 'TOO_LARGE', file, message: `file is larger than the limit ${formatSize(limits.maxFileSize)} (at least ${read.size} bytes); raise it with --max-file-size` } };
  return decodeText(read.bytes, file);
}

/** Reads a file's bytes, refusing it once it exceeds `max` bytes (devices and FIFOs included). */
function readBounded(file: string, max: number): { ok: true; bytes: Buffer; size: number } | { ok: false; size: number } {
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 * MI, max + 1 - size));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      size += n;
      if (size > max) return { ok: false, size };
    }
    return { ok: true, bytes: Buffer.concat(chunks, size), size };
  } finally {
    closeSync(fd);
  }
}

/** Appends one array to another (a spread of 180,000 objects would overflow the call stack). */
function append<T>(to: T[], from: readonly T[]): void {
  for (const x of from) to.push(x);
}

/**
 * Loads objects from paths (`-` means stdin text, passed in by the caller). Unless `allowEmpty`, a path that
 * holds no object is an error; with `emptyFileError`, so is each file of a folder that holds none (a file
 * being written: the webhook would otherwise serve a set without its policies); with `detectCut`, so is a
 * file whose last object was read from an API server but ends before its status (cut short: cut-end.ts).
 */
export function loadObjects(paths: readonly string[], opts: ParseOptions & { stdin?: string; allowEmpty?: boolean; emptyFileError?: boolean; detectCut?: boolean } = {}): LoadResult {
  const out: LoadResult = { objects: [], errors: [] };
  const { maxFileSize, maxTotalSize } = limits;
  let total = 0;
  for (const p of paths) {
    const before = { objects: out.objects.length, errors: out.errors.length };
    if (p === '-') {
      const r = parseObjects(opts.stdin ?? '', '<stdin>', opts);
      const cut = opts.detectCut && r.errors.length === 0 ? cutEndError(r.objects, opts.stdin ?? '') : undefined;
      if (cut) out.errors.push(cut);
      append(out.objects, r.objects);
      append(out.errors, r.errors);
    } else {
      const { files, errors } = expandPaths([p]);
      append(out.errors, errors);
      for (const f of files) {
        let read: ReturnType<typeof readBounded>;
        try {
          // The size on disk refuses a big file before reading it; the bounded read catches devices and FIFOs.
          const size = statSync(f).size;
          read = size > maxFileSize ? { ok: false, size } : readBounded(f, maxFileSize);
        } catch (err) {
          out.errors.push(readError(f, err));
          continue;
        }
        if (!read.ok) {
          out.errors.push({ code: 'TOO_LARGE', file: f, message: `file is larger than the limit ${formatSize(maxFileSize)} (at least ${read.size} bytes); raise it with --max-file-size` });
          continue;
        }
        total += read.size;
        if (total > maxTotalSize) {
          out.errors.push({
            code: 'TOO_LARGE',
            file: f,
            message: `not read: with this file the input reaches ${formatSize(total)}, over the total limit ${formatSize(maxTotalSize)}; raise it with --max-total-size`,
          });
          return out;
        }
        const decoded = decodeText(read.bytes, f);
        if ('error' in decoded) {
          out.errors.push(decoded.error);
          continue;
        }
        const already = out.objects.length;
        const r = parseObjects(decoded.text, f, opts.progress ? { ...opts, progress: (k) => opts.progress?.(already + k) } : opts);
        opts.progress?.(already + r.objects.length);
        // A dump file cut short whose last object still parses (cut-end.ts).
        const cut = opts.detectCut && r.errors.length === 0 ? cutEndError(r.objects, decoded.text) : undefined;
        if (cut) out.errors.push(cut);
        append(out.objects, r.objects);
        append(out.errors, r.errors);
        if (opts.emptyFileError && f !== p && r.objects.length === 0 && r.errors.length === 0) {
          out.errors.push({ code: 'EMPTY', file: f, message: `no objects found in ${f} (in folder ${p}: a file still being written, or one to remove)` });
        }
      }
    }
    if (!opts.allowEmpty && out.objects.length === before.objects && out.errors.length === before.errors) {
      out.errors.push({ code: 'EMPTY', file: p === '-' ? '<stdin>' : p, message: `no objects found in ${p === '-' ? 'stdin' : p}` });
    }
  }
  return out;
}
