// `switchboard db copy` arguments: where the SQLite file is looked for, and the usage errors a
// mistyped command gets (none of them may echo the URL, which holds a password).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbCopyCommand, parseDbArgs } from '../../../main/cli/db-copy-command.js';

const URL = 'postgresql://u:s3cret-pw@db:5432/switchboard';

describe('parseDbArgs', () => {
  it('finds the file in --data-dir, else SWITCHBOARD_DATA_DIR, else the per-OS default; --from names it', () => {
    expect(parseDbArgs(['copy', '--to', URL, '--data-dir', '/d'], {}, 'linux')).toEqual({ to: URL, file: join('/d', 'switchboard.db'), replace: false });
    expect(parseDbArgs(['copy', '--to', URL], { SWITCHBOARD_DATA_DIR: '/env' }, 'linux')).toEqual({ to: URL, file: join('/env', 'switchboard.db'), replace: false });
    expect(parseDbArgs(['copy', '--to', URL], { HOME: '/home/u' }, 'linux')).toEqual({ to: URL, file: join('/home/u/.local/share/switchboard', 'switchboard.db'), replace: false });
    expect(parseDbArgs(['copy', '--to', URL, '--from', '/x/file.db', '--replace'], {}, 'linux')).toEqual({ to: URL, file: '/x/file.db', replace: true });
  });

  it('refuses what it cannot run, with a reason', () => {
    expect(parseDbArgs([], {})).toEqual({ help: true });
    expect(parseDbArgs(['copy', '--help'], {})).toEqual({ help: true });
    expect(parseDbArgs(['move'], {})).toEqual({ error: 'unknown db subcommand "move" (known: copy)' });
    expect(parseDbArgs(['copy'], {})).toEqual({ error: 'db copy needs --to postgresql://USER:PASSWORD@HOST:5432/DATABASE' });
    expect(parseDbArgs(['copy', '--to', URL, '--from', 'f', '--data-dir', 'd'], {})).toEqual({ error: 'db copy takes --from FILE or --data-dir DIR, not both' });
    const unknown = parseDbArgs(['copy', '--to', URL, '--force'], {});
    expect(unknown).toHaveProperty('error');
    expect(JSON.stringify(unknown)).not.toContain('s3cret');
  });
});

describe('dbCopyCommand', () => {
  it('exits 2 on a usage error and on a missing file, never printing the password', async () => {
    let err = '';
    const io = { out: () => undefined, err: (text: string) => void (err += text) };
    expect(await dbCopyCommand(['copy', '--to', URL, '--bogus'], {}, io)).toBe(2);
    expect(await dbCopyCommand(['copy', '--to', URL, '--from', '/nonexistent/switchboard.db'], {}, io)).toBe(2);
    expect(err).toContain('no Switchboard database at /nonexistent/switchboard.db');
    expect(err).not.toContain('s3cret');
  });
});
