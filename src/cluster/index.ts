// Public surface of cluster/: where objects come from (files, stdin, a live API server).
export type { LoadResult } from './files.js';
export { expandPaths, loadObjects } from './files.js';
