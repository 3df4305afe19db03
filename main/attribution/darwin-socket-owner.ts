// The macOS FindSocketOwner: reads `sysctl net.inet.tcp.pcblist_n` (every TCP connection with the
// pid and uid of its socket; no privilege needed), finds the caller's end of the connection and
// names its executable with libproc's proc_pidpath. Runs on the attribution worker, never on the
// request thread; binds libSystem through koffi on its first call on macOS only. Never throws:
// every failure (no koffi, unknown struct layout, another user's process, exited) answers null.
import type { FindSocketOwner } from './caller-process.js';
import { findDarwinPcbOwner, parseDarwinPcbList } from './darwin-pcblist.js';
import type { Ffi, NativeFunction } from './load-koffi.js';
import { createNativeSocketOwner, type NativeSocketOwnerOptions } from './native-socket-owner.js';

export const DARWIN_LIBRARY = '/usr/lib/libSystem.B.dylib';

/** The C declarations bound (koffi syntax); pointers as void * take a Buffer, one-element arrays are in/out. */
export const DARWIN_DECLARATIONS = {
  sysctlbyname: 'int sysctlbyname(const char *name, void *oldp, _Inout_ size_t *oldlenp, void *newp, size_t newlen)',
  proc_pidpath: 'int proc_pidpath(int pid, void *buffer, uint32_t buffersize)',
} as const;

const PCBLIST = 'net.inet.tcp.pcblist_n';
const ENOMEM = 12;
/** PROC_PIDPATHINFO_MAXSIZE (libproc.h): 4 * MAXPATHLEN. */
const PROC_PIDPATH_MAX = 4096;
/** The list can grow between the size call and the read (the kernel adds 1/8 slack): a few tries. */
const READ_ATTEMPTS = 3;

export interface DarwinSocketOwnerOptions extends NativeSocketOwnerOptions {
  /** Resolve only sockets opened by this uid (default process.getuid()); null resolves any user's. */
  uid?: number | null;
}

interface DarwinNative {
  readPcbList(): Uint8Array;
  pidPath(pid: number): string | null;
}

function bindDarwin(ffi: Ffi): DarwinNative {
  const lib = ffi.load(DARWIN_LIBRARY);
  const sysctlbyname: NativeFunction = lib.func(DARWIN_DECLARATIONS.sysctlbyname);
  const procPidPath: NativeFunction = lib.func(DARWIN_DECLARATIONS.proc_pidpath);
  const pathBuffer = Buffer.alloc(PROC_PIDPATH_MAX);
  return {
    readPcbList() {
      // First the size (oldp NULL), then the data into a buffer that large.
      const size = [0];
      if (sysctlbyname(PCBLIST, null, size, null, 0) !== 0) throw new Error(`sysctlbyname(${PCBLIST}) size failed: errno ${ffi.errno()}`);
      let capacity = Number(size[0]);
      for (let attempt = 1; ; attempt++) {
        const buffer = Buffer.allocUnsafe(capacity);
        const length = [capacity];
        if (sysctlbyname(PCBLIST, buffer, length, null, 0) === 0) return buffer.subarray(0, Math.min(Number(length[0]), capacity));
        const errno = ffi.errno();
        if (errno !== ENOMEM || attempt === READ_ATTEMPTS) throw new Error(`sysctlbyname(${PCBLIST}) read of ${capacity} bytes failed: errno ${errno}`);
        capacity *= 2;
      }
    },
    pidPath(pid) {
      const length = Number(procPidPath(pid, pathBuffer, PROC_PIDPATH_MAX));
      return length > 0 ? pathBuffer.toString('utf8', 0, Math.min(length, PROC_PIDPATH_MAX)) : null;
    },
  };
}

/** The macOS lookup. Create once per worker; the first call binds libSystem (or fails for good). */
export function createDarwinSocketOwner(options: DarwinSocketOwnerOptions = {}): FindSocketOwner {
  const uid = options.uid === undefined ? (process.getuid?.() ?? null) : options.uid;
  return createNativeSocketOwner(options, {
    platform: 'darwin',
    osName: 'macOS',
    bind: bindDarwin,
    find(native, connection) {
      const owner = findDarwinPcbOwner(parseDarwinPcbList(native.readPcbList()), connection, uid === null ? {} : { uid });
      if (owner === null) return null;
      // The process may have exited since: no path, no answer (its pid may already be another's).
      const exePath = native.pidPath(owner.pid);
      return exePath === null ? null : { pid: owner.pid, exePath };
    },
  });
}
