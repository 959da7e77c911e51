// Public surface of cluster/: where objects come from (files, stdin, a live API server).
export type { LoadResult } from './files.js';
export { decodeText, expandPaths, loadObjects, readTextFile } from './files.js';
export type { ListedKind, LiveOptions, LiveProblem, LiveResult } from './live.js';
export { describeProblem, LIVE_KINDS, LiveClusterError, loadLiveObjects, rbacResource } from './live.js';
export { clusterDumpPath, DUMP_OBJECTS_DIR } from './dump.js';
