// The Windows FindSocketOwner: GetExtendedTcpTable (iphlpapi; every TCP connection with its
// owning pid, no privilege needed) finds the caller's end of the connection, then OpenProcess with
// PROCESS_QUERY_LIMITED_INFORMATION + QueryFullProcessImageNameW (kernel32) names its executable.
// Runs on the attribution worker; binds the DLLs through koffi on its first call on Windows only.
// Never throws: a refused OpenProcess (elevated, protected, another user's), an exited process,
// a process in another logon session or any failure answers null.
import type { FindSocketOwner } from './caller-process.js';
import type { Ffi, NativeFunction } from './load-koffi.js';
import { createNativeSocketOwner, type NativeSocketOwnerOptions } from './native-socket-owner.js';
import { findWin32TcpOwnerPid, parseWin32TcpTable, win32TableFamilies } from './win32-tcp-table.js';

/** The C declarations bound (koffi syntax); __stdcall matters on 32-bit Windows only. */
export const WIN32_DECLARATIONS = {
  GetExtendedTcpTable: 'uint32_t __stdcall GetExtendedTcpTable(void *pTcpTable, _Inout_ uint32_t *pdwSize, int bOrder, uint32_t ulAf, int TableClass, uint32_t Reserved)',
  OpenProcess: 'void * __stdcall OpenProcess(uint32_t dwDesiredAccess, int bInheritHandle, uint32_t dwProcessId)',
  QueryFullProcessImageNameW: 'int __stdcall QueryFullProcessImageNameW(void *hProcess, uint32_t dwFlags, void *lpExeName, _Inout_ uint32_t *lpdwSize)',
  CloseHandle: 'int __stdcall CloseHandle(void *hObject)',
  ProcessIdToSessionId: 'int __stdcall ProcessIdToSessionId(uint32_t dwProcessId, _Out_ uint32_t *pSessionId)',
} as const;

const AF_INET = 2;
const AF_INET6 = 23;
const TCP_TABLE_OWNER_PID_ALL = 5;
const NO_ERROR = 0;
const ERROR_INSUFFICIENT_BUFFER = 122;
const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
/** Long paths (\\?\...) reach 32767 UTF-16 units. */
const MAX_PATH_UNITS = 32768;
/** The table can grow between the call that sizes it and the call that fills it. */
const READ_ATTEMPTS = 4;

export interface Win32SocketOwnerOptions extends NativeSocketOwnerOptions {
  /**
   * Resolve only processes in the gateway's own logon session (default true): the cheap stand-in
   * for "the same user" (another signed-in user, services in session 0 are not named).
   */
  sameSessionOnly?: boolean;
}

interface Win32Native {
  readTable(family: 'ipv4' | 'ipv6'): Uint8Array;
  sessionOf(pid: number): number | null;
  imagePath(pid: number): string | null;
}

function bindWin32(ffi: Ffi): Win32Native {
  const iphlpapi = ffi.load('iphlpapi.dll');
  const kernel32 = ffi.load('kernel32.dll');
  const getExtendedTcpTable: NativeFunction = iphlpapi.func(WIN32_DECLARATIONS.GetExtendedTcpTable);
  const openProcess: NativeFunction = kernel32.func(WIN32_DECLARATIONS.OpenProcess);
  const queryFullProcessImageName: NativeFunction = kernel32.func(WIN32_DECLARATIONS.QueryFullProcessImageNameW);
  const closeHandle: NativeFunction = kernel32.func(WIN32_DECLARATIONS.CloseHandle);
  const processIdToSessionId: NativeFunction = kernel32.func(WIN32_DECLARATIONS.ProcessIdToSessionId);
  // The last size that fitted, per family: the next lookup usually needs one call, not two.
  const capacity = { ipv4: 16 * 1024, ipv6: 16 * 1024 };
  const pathBuffer = Buffer.alloc(MAX_PATH_UNITS * 2);
  return {
    readTable(family) {
      for (let attempt = 1; ; attempt++) {
        const buffer = Buffer.allocUnsafe(capacity[family]);
        const size = [buffer.length];
        const result = Number(getExtendedTcpTable(buffer, size, 0, family === 'ipv4' ? AF_INET : AF_INET6, TCP_TABLE_OWNER_PID_ALL, 0));
        // On success the table's own row count bounds what is read (parseWin32TcpTable).
        if (result === NO_ERROR) return buffer;
        if (result !== ERROR_INSUFFICIENT_BUFFER || attempt === READ_ATTEMPTS) throw new Error(`GetExtendedTcpTable(${family}) failed: error ${result}`);
        // size now holds the size needed; leave room for connections opened meanwhile.
        capacity[family] = Math.max(Number(size[0]), buffer.length) + 4096;
      }
    },
    sessionOf(pid) {
      const session = [0];
      return processIdToSessionId(pid, session) ? Number(session[0]) : null;
    },
    imagePath(pid) {
      const handle = openProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
      if (!handle) return null; // Refused (elevated or protected process, another user's) or exited.
      try {
        const units = [MAX_PATH_UNITS];
        if (!queryFullProcessImageName(handle, 0, pathBuffer, units)) return null;
        return pathBuffer.toString('utf16le', 0, Math.min(Number(units[0]), MAX_PATH_UNITS) * 2);
      } finally {
        closeHandle(handle);
      }
    },
  };
}

/** The Windows lookup. Create once per worker; the first call binds the DLLs (or fails for good). */
export function createWin32SocketOwner(options: Win32SocketOwnerOptions = {}): FindSocketOwner {
  const sameSessionOnly = options.sameSessionOnly ?? true;
  return createNativeSocketOwner(options, {
    platform: 'win32',
    osName: 'Windows',
    bind(ffi) {
      const native = bindWin32(ffi);
      // The gateway's own session, read once with the bind: failing it turns the lookup off.
      const ownSession = sameSessionOnly ? native.sessionOf(process.pid) : null;
      if (sameSessionOnly && ownSession === null) throw new Error('ProcessIdToSessionId failed for the gateway itself: the Windows caller lookup is off');
      return { native, ownSession };
    },
    find({ native, ownSession }, connection) {
      let pid: number | null = null;
      for (const family of win32TableFamilies(connection)) {
        pid = findWin32TcpOwnerPid(parseWin32TcpTable(native.readTable(family), family), connection);
        if (pid !== null) break;
      }
      if (pid === null) return null;
      if (sameSessionOnly && native.sessionOf(pid) !== ownSession) return null;
      const exePath = native.imagePath(pid);
      return exePath === null ? null : { pid, exePath };
    },
  });
}
