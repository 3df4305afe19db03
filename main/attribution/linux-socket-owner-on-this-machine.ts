// The Linux socket owner over this machine's real /proc, as this process's user: node:fs's
// synchronous calls (it runs on the attribution worker thread, where blocking is the point).
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createLinuxSocketOwner, type LinuxProcessReader } from './linux-socket-owner.js';

export function linuxSocketOwnerOnThisMachine(): LinuxProcessReader {
  return createLinuxSocketOwner({
    uid: process.getuid?.() ?? -1,
    fs: {
      readFile: (path) => readFileSync(path, 'utf8'),
      readdir: (path) => readdirSync(path),
      readlink: (path) => readlinkSync(path),
      ownerUid: (path) => lstatSync(path).uid,
    },
  });
}
