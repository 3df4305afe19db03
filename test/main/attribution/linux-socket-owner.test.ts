// The Linux socket owner's walk over /proc, on an in-memory /proc: the table row's uid decides
// whether the fd scan happens at all, other users' processes are never opened, the pids found
// last are tried first, and a process that vanished mid-scan is skipped.
import { describe, expect, it } from 'vitest';
import { createLinuxSocketOwner, type ProcFs } from '../../../main/attribution/linux-socket-owner.js';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const row = (local: string, remote: string, uid: number, inode: number) =>
  `   0: ${local} ${remote} 01 00000000:00000000 00:00000000 00000000 ${uid} 0 ${inode} 1 0 20 0 0 10 -1\n`;
const stat = (pid: number, comm: string, ppid: number, start: number) => `${pid} (${comm}) S ${ppid} 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${start} 1 1`;

interface FakeProcess { uid: number; fds: Record<string, string>; exe: string; argv: string[]; ppid: number; start: number }

function fakeProc(tcp: string, processes: Record<number, FakeProcess>) {
  const reads: string[] = [];
  const fs: ProcFs = {
    readFile(path) {
      reads.push(path);
      if (path === '/proc/net/tcp') return HEADER + tcp;
      if (path === '/proc/net/tcp6') return HEADER;
      const m = /^\/proc\/(\d+)\/(stat|cmdline)$/.exec(path);
      const p = m ? processes[Number(m[1])] : undefined;
      if (!p) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return m![2] === 'stat' ? stat(Number(m![1]), p.exe.split('/').pop()!, p.ppid, p.start) : `${p.argv.join('\0')}\0`;
    },
    readdir(path) {
      reads.push(path);
      if (path === '/proc') return ['self', 'net', ...Object.keys(processes)];
      const m = /^\/proc\/(\d+)\/fd$/.exec(path);
      const p = m ? processes[Number(m[1])] : undefined;
      if (!p) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return Object.keys(p.fds);
    },
    readlink(path) {
      reads.push(path);
      const m = /^\/proc\/(\d+)\/(exe|fd\/(\d+))$/.exec(path);
      const p = m ? processes[Number(m[1])] : undefined;
      if (!p) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      if (m![2] === 'exe') return p.exe;
      const link = p.fds[m![3]!];
      if (link === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return link;
    },
    ownerUid(path) {
      const p = processes[Number(path.split('/').pop())];
      if (!p) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return p.uid;
    },
  };
  return { fs, reads };
}

const CONNECTION = { clientAddress: '127.0.0.1', clientPort: 51246, serverAddress: '127.0.0.1', serverPort: 4141 };
// 127.0.0.1:51246 -> 127.0.0.1:4141 (0x102D), and the gateway's accepted side.
const TABLE = row('0100007F:C82E', '0100007F:102D', 1000, 555) + row('0100007F:102D', '0100007F:C82E', 1000, 556);

describe('createLinuxSocketOwner', () => {
  it('finds the process holding the socket and reads its exe, argv, ppid and start time', () => {
    const { fs } = fakeProc(TABLE, {
      10: { uid: 1000, fds: { 0: '/dev/null', 3: 'socket:[556]' }, exe: '/usr/bin/node', argv: ['node', 'gateway.js'], ppid: 1, start: 100 },
      20: { uid: 1000, fds: { 0: '/dev/pts/0', 5: 'socket:[555]' }, exe: '/usr/bin/python3.11', argv: ['python3', 'sync_notes.py'], ppid: 15, start: 7174602 },
    });
    const owner = createLinuxSocketOwner({ fs, uid: 1000 }).findSocketOwner(CONNECTION);
    expect(owner).toEqual({ pid: 20, exePath: '/usr/bin/python3.11', argv: ['python3', 'sync_notes.py'], ppid: 15, startTime: '7174602' });
  });

  it("resolves nothing when the socket belongs to another user, and never opens that user's processes", () => {
    const { fs, reads } = fakeProc(row('0100007F:C82E', '0100007F:102D', 0, 555), {
      20: { uid: 0, fds: { 5: 'socket:[555]' }, exe: '/usr/bin/python3', argv: ['python3', 'x.py'], ppid: 1, start: 1 },
    });
    expect(createLinuxSocketOwner({ fs, uid: 1000 }).findSocketOwner(CONNECTION)).toBeNull();
    expect(reads.filter((path) => path.startsWith('/proc/20'))).toEqual([]);
  });

  it("skips other users' processes during the fd scan", () => {
    const { fs, reads } = fakeProc(TABLE, {
      5: { uid: 0, fds: { 1: 'socket:[555]' }, exe: '/usr/sbin/sshd', argv: ['sshd'], ppid: 1, start: 1 },
      20: { uid: 1000, fds: { 5: 'socket:[555]' }, exe: '/usr/bin/node', argv: ['node', 'nightly-report.mjs'], ppid: 1, start: 9 },
    });
    expect(createLinuxSocketOwner({ fs, uid: 1000 }).findSocketOwner(CONNECTION)?.pid).toBe(20);
    expect(reads.filter((path) => path.startsWith('/proc/5/'))).toEqual([]);
  });

  it('tries the pid it found last before listing /proc again', () => {
    const processes: Record<number, FakeProcess> = {
      20: { uid: 1000, fds: { 5: 'socket:[555]', 6: 'socket:[777]' }, exe: '/usr/bin/node', argv: ['node', 'a.mjs'], ppid: 1, start: 9 },
    };
    const { fs, reads } = fakeProc(TABLE + row('0100007F:C830', '0100007F:102D', 1000, 777), processes);
    const owners = createLinuxSocketOwner({ fs, uid: 1000 });
    expect(owners.findSocketOwner(CONNECTION)?.pid).toBe(20);
    reads.length = 0;
    expect(owners.findSocketOwner({ ...CONNECTION, clientPort: 0xc830 })?.pid).toBe(20);
    expect(reads).not.toContain('/proc');
  });

  it('answers a burst of connections from one read of the tables and one scan of /proc', () => {
    const { fs, reads } = fakeProc(TABLE + row('0100007F:C830', '0100007F:102D', 1000, 777) + row('0100007F:C832', '0100007F:102D', 0, 888), {
      20: { uid: 1000, fds: { 5: 'socket:[555]' }, exe: '/usr/bin/node', argv: ['node', 'a.mjs'], ppid: 1, start: 9 },
      30: { uid: 1000, fds: { 7: 'socket:[777]' }, exe: '/usr/bin/python3', argv: ['python3', 'b.py'], ppid: 1, start: 9 },
    });
    const owners = createLinuxSocketOwner({ fs, uid: 1000 }).findSocketOwners([
      CONNECTION, { ...CONNECTION, clientPort: 0xc830 }, { ...CONNECTION, clientPort: 0xc832 }, { ...CONNECTION, clientPort: 1 },
    ]);
    expect(owners.map((owner) => owner?.pid ?? null)).toEqual([20, 30, null, null]);
    expect(reads.filter((path) => path === '/proc/net/tcp')).toHaveLength(1);
    expect(reads.filter((path) => path === '/proc')).toHaveLength(1);
  });

  it('checks a socket it saw in an earlier scan is still there before trusting it', () => {
    const processes: Record<number, FakeProcess> = {
      20: { uid: 1000, fds: { 5: 'socket:[555]', 6: 'socket:[777]' }, exe: '/usr/bin/node', argv: ['node', 'a.mjs'], ppid: 1, start: 9 },
      30: { uid: 1000, fds: {}, exe: '/usr/bin/python3', argv: ['python3', 'b.py'], ppid: 1, start: 9 },
    };
    const { fs } = fakeProc(TABLE + row('0100007F:C830', '0100007F:102D', 1000, 777), processes);
    const owners = createLinuxSocketOwner({ fs, uid: 1000, recentPids: 0 });
    expect(owners.findSocketOwner(CONNECTION)?.pid).toBe(20);
    // Socket 777 moved: pid 20 closed it, pid 30 holds it now (passed over a unix socket, say).
    delete processes[20]!.fds[6];
    processes[30]!.fds[3] = 'socket:[777]';
    expect(owners.findSocketOwner({ ...CONNECTION, clientPort: 0xc830 })?.pid).toBe(30);
  });

  it('finds nothing when no process holds the socket any more (it exited), and skips vanished pids', () => {
    const { fs } = fakeProc(TABLE, {
      20: { uid: 1000, fds: { 5: 'socket:[999]' }, exe: '/usr/bin/node', argv: ['node'], ppid: 1, start: 9 },
    });
    expect(createLinuxSocketOwner({ fs, uid: 1000 }).findSocketOwner(CONNECTION)).toBeNull();
  });

  it('finds nothing for a connection that is not in the tables', () => {
    const { fs } = fakeProc(TABLE, {});
    expect(createLinuxSocketOwner({ fs, uid: 1000 }).findSocketOwner({ ...CONNECTION, clientPort: 1 })).toBeNull();
  });

  it('reads an ancestor by pid, and null for one that is gone', () => {
    const { fs } = fakeProc('', { 15: { uid: 1000, fds: {}, exe: '/usr/share/code/code', argv: ['/usr/share/code/code'], ppid: 1, start: 3 } });
    const owners = createLinuxSocketOwner({ fs, uid: 1000 });
    expect(owners.readProcess(15)).toEqual({ pid: 15, exePath: '/usr/share/code/code', argv: ['/usr/share/code/code'], ppid: 1, startTime: '3' });
    expect(owners.readProcess(16)).toBeNull();
  });
});
