// The page cache of every SQLite connection the gateway opens (the main one, openDatabase; the
// usage writer's on the worker thread, usage-batch-service.ts), in KiB: SQLite's own default, not
// better-sqlite3's build default of 16 MB per connection (SQLITE_DEFAULT_CACHE_SIZE=-16000). A
// connection that writes usage rows kept every page it wrote until 16 MB were full: about 330 bytes
// of native memory per request on the writer, whatever flush() wrote on the main one, so the
// gateway's RSS climbed 2-3 MB per 7,000 requests for the first ~50,000 (issue 18; glibc's
// mallinfo2 showed the in-use bytes growing, not the V8 heap). Appends touch the right-most pages
// of the table and its indexes plus the rollup rows (a 100-row batch dirties a few dozen pages);
// the main connection's reads are indexed pages and the rollups; older pages come back from the
// OS's file cache, and a scan too large for 2 MB is too large for 16 too.
export const SQLITE_PAGE_CACHE_KIB = 2_000;
