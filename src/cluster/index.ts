// Public surface of cluster/: where objects come from (files, stdin, a live API server).
export type { LoadResult, ReadLimits } from './files.js';
export { DEFAULT_READ_LIMITS, decodeText, expandPaths, formatSize, loadObjects, readLimits, readTextFile, setReadLimits } from './files.js';
export type { ListedKind, LiveOptions, LiveProblem, LiveResult } from './live.js';
export { describeProblem, LIVE_KINDS, LiveClusterError, loadLiveObjects, rbacResource } from './live.js';
export { clusterDumpPath, DUMP_OBJECTS_DIR, dumpFilesNotRead } from './dump.js';
export type { KubeConnection, KubeConnectionOptions, KubeReply } from './kube-connection.js';
export { connectKube } from './kube-connection.js';
export type { PolicyReportLike, PolicyReportWriterOptions, ReportChanges, ReportRef, SyncResult } from './policyreport-writer.js';
export { PolicyReportWriter } from './policyreport-writer.js';
export type { CacheLogger, CacheStatus, ClusterCacheOptions, WatchedResource, WatchState } from './informer-cache.js';
export { ClusterCache, collectionPath } from './informer-cache.js';
