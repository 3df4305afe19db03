// The C declarations the macOS and Windows lookups bind, checked by the real koffi parser (the
// functions themselves exist only on those systems): a typo in a type or a qualifier would make
// the first lookup on a Mac or PC fail and turn attribution off there. Also checks the in/out
// argument shapes the glue relies on (a Buffer for void *, a one-element array for _Inout_
// uint32_t * and size_t *) against real libc calls with the same shapes, and that the lookups
// answer null through the real koffi when their libraries cannot be loaded.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { DARWIN_DECLARATIONS, createDarwinSocketOwner } from '../../../main/attribution/darwin-socket-owner.js';
import { WIN32_DECLARATIONS, createWin32SocketOwner } from '../../../main/attribution/win32-socket-owner.js';

const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');

describe('native declarations', () => {
  it.each(Object.entries({ ...DARWIN_DECLARATIONS, ...WIN32_DECLARATIONS }))('%s parses as a koffi prototype', (name, declaration) => {
    const type = koffi.proto(declaration);
    expect(type.proto?.name ?? type.name).toContain(name);
    // Arity as written in the C headers.
    const arity: Record<string, number> = { sysctlbyname: 5, proc_pidpath: 3, GetExtendedTcpTable: 6, OpenProcess: 3, QueryFullProcessImageNameW: 4, CloseHandle: 1, ProcessIdToSessionId: 2 };
    expect(type.proto?.arguments).toHaveLength(arity[name]!);
  });

  it.runIf(process.platform === 'linux')('passes a Buffer as void * and returns sizes through one-element arrays (libc getsockopt, getline)', () => {
    const libc = koffi.load('libc.so.6');
    const socket = libc.func('int socket(int domain, int type, int protocol)');
    const close = libc.func('int close(int fd)');
    const getsockopt = libc.func('int getsockopt(int fd, int level, int name, void *value, _Inout_ uint32_t *length)');
    const fd = socket(2, 1, 0) as number;
    try {
      const value = Buffer.alloc(16, 0xff);
      const length = [16];
      expect(getsockopt(fd, 1 /* SOL_SOCKET */, 3 /* SO_TYPE */, value, length)).toBe(0);
      expect(length).toEqual([4]);
      expect(value.readInt32LE(0)).toBe(1); // SOCK_STREAM
    } finally {
      close(fd);
    }
    // A failing call leaves errno for koffi.errno(), as the sysctl retry reads it.
    expect(getsockopt(-1, 1, 3, Buffer.alloc(4), [4])).toBe(-1);
    expect(koffi.errno()).toBe(9); // EBADF
  });

  it.runIf(process.platform === 'linux')('with the real koffi, a lookup made to run where its libraries are missing answers null and says why', () => {
    const connection = { clientAddress: '127.0.0.1', clientPort: 50001, serverAddress: '127.0.0.1', serverPort: 4141 };
    const errors: string[] = [];
    expect(createDarwinSocketOwner({ platform: 'darwin', onError: (error) => errors.push(error.message) })(connection)).toBeNull();
    expect(createWin32SocketOwner({ platform: 'win32', onError: (error) => errors.push(error.message) })(connection)).toBeNull();
    expect(errors).toEqual([expect.stringMatching(/Failed to load shared library/), expect.stringMatching(/Failed to load shared library/)]);
  });
});
