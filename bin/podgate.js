#!/usr/bin/env node
// Entry point: runs the built CLI (dist/, from `npm run build`) when it is at least as new as every
// source file, else the TypeScript sources through tsx, so a stale build never runs.
import { existsSync, readdirSync, statSync } from 'node:fs';

const built = new URL('../dist/bin.js', import.meta.url);
const src = new URL('../src/', import.meta.url);

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = new URL(e.name + (e.isDirectory() ? '/' : ''), dir);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const useBuilt = existsSync(built) && (!existsSync(src) || statSync(built).mtimeMs >= newestSource(src));
if (useBuilt) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/bin.ts', import.meta.url).href);
}
