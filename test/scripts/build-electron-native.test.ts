// The Electron build of better-sqlite3, without Electron's headers (this machine cannot download
// them): a fake project root, and a stand-in for @electron/rebuild that writes what a real build
// would (or what the nodedir trap writes), so planning, copying, checking and installing are real.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RebuildOptions } from '@electron/rebuild';
import { describe, expect, it } from 'vitest';
import { sqliteNativeBinding } from '../../main/app/sqlite-native-binding.js';
import {
  ELECTRON_HEADERS_URL, buildElectronNative, builtAbi, foreignKeytarWarning, isUpToDate, packTarget, planElectronNative, rebuildEnv, rebuildOptions, type NativeBuildPlan,
} from '../../scripts/build-electron-native.js';

const require = createRequire(import.meta.url);
const NODE_BINARY = require.resolve('better-sqlite3/build/Release/better_sqlite3.node');
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** An addon's bytes as a compiler would leave them for one ABI (the symbol is all builtAbi reads). */
const addonFor = (abi: number) => Buffer.concat([Buffer.alloc(64, 1), Buffer.from(`node_register_module_v${abi}\0`, 'latin1'), Buffer.alloc(64, 2)]);

/** A project root with the three packages the plan reads, and Node's build of better-sqlite3 in place. */
function fakeRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'switchboard-native-'));
  const write = (path: string, text: string | Buffer) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('node_modules/electron/package.json', JSON.stringify({ name: 'electron', version: '41.7.1' }));
  write('node_modules/electron/abi_version', '145\n');
  write('node_modules/better-sqlite3/package.json', JSON.stringify({ name: 'better-sqlite3', version: '12.11.1' }));
  write('node_modules/better-sqlite3/lib/index.js', 'module.exports = {};');
  write('node_modules/better-sqlite3/build/Release/better_sqlite3.node', addonFor(115));
  return root;
}

const target = { platform: 'linux', arch: 'x64' } as const;

/** A stand-in for @electron/rebuild: records its options and writes `abi`'s module where node-gyp puts it. */
function fakeRebuild(abi: number | Error) {
  const calls: { options: RebuildOptions; copiedBuild: boolean; copiedLib: boolean }[] = [];
  return {
    calls,
    async rebuild(options: RebuildOptions) {
      const module = join(options.buildPath, 'node_modules', 'better-sqlite3');
      calls.push({ options, copiedBuild: existsSync(join(module, 'build')), copiedLib: existsSync(join(module, 'lib', 'index.js')) });
      if (abi instanceof Error) throw abi;
      mkdirSync(join(module, 'build', 'Release'), { recursive: true });
      writeFileSync(join(module, 'build', 'Release', 'better_sqlite3.node'), addonFor(abi));
    },
  };
}

describe('build-electron-native', () => {
  it('plans the build for the installed Electron, into the folder the app loads from in development', () => {
    const root = fakeRoot();
    const plan = planElectronNative(root, target);
    expect(plan).toMatchObject({ electronVersion: '41.7.1', abi: 145, moduleVersion: '12.11.1', platform: 'linux', arch: 'x64' });
    expect(plan.output).toBe(sqliteNativeBinding({ isPackaged: false, appRoot: root, resourcesPath: '/unused', ...target }));
    expect(plan.scratch.startsWith(join(root, 'native'))).toBe(true);
  });

  it('reads Electron 41\'s ABI (145) from this checkout\'s electron package', () => {
    expect(planElectronNative(REPO, target)).toMatchObject({ electronVersion: '41.7.1', abi: 145 });
  });

  it('asks @electron/rebuild for better-sqlite3 only, for Electron\'s version from Electron\'s headers, confined to the scratch copy', () => {
    const plan = planElectronNative(fakeRoot(), { platform: 'darwin', arch: 'arm64' });
    expect(rebuildOptions(plan)).toEqual({
      buildPath: plan.scratch, projectRootPath: plan.scratch, electronVersion: '41.7.1', platform: 'darwin', arch: 'arm64',
      headerURL: ELECTRON_HEADERS_URL, onlyModules: ['better-sqlite3'], types: ['prod'], force: true, mode: 'sequential',
    });
  });

  it('keeps npm\'s settings (a global nodedir=/usr) away from node-gyp', () => {
    const env = rebuildEnv({ PATH: '/bin', HOME: '/h', npm_config_nodedir: '/usr', NPM_CONFIG_NODEDIR: '/usr', npm_config_arch: 'ia32', npm_lifecycle_event: 'app' });
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', npm_lifecycle_event: 'app' });
  });

  it('tells the ABI a module was built for from its bytes', () => {
    expect(builtAbi(readFileSync(NODE_BINARY))).toBe(Number(process.versions.modules));
    expect(builtAbi(addonFor(145))).toBe(145);
    expect(builtAbi(Buffer.from('not an addon'))).toBeNull();
  });

  it('builds in a copy without Node\'s build, installs the Electron module and leaves node_modules as it was', async () => {
    const root = fakeRoot();
    const plan = planElectronNative(root, target);
    const fake = fakeRebuild(145);
    await buildElectronNative(plan, fake);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]).toMatchObject({ copiedLib: true, copiedBuild: false, options: { buildPath: plan.scratch } });
    expect(builtAbi(readFileSync(plan.output))).toBe(145);
    expect(builtAbi(readFileSync(join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')))).toBe(115);
    expect(existsSync(plan.scratch)).toBe(false);
    expect(isUpToDate(plan)).toBe(true);
  });

  it('refuses a module built for Node\'s ABI (the nodedir trap: "Rebuild Complete", wrong headers) and installs nothing', async () => {
    const plan = planElectronNative(fakeRoot(), target);
    await expect(buildElectronNative(plan, fakeRebuild(115))).rejects.toThrow(/NODE_MODULE_VERSION 115, not 145: .*nodedir/);
    expect(existsSync(plan.output)).toBe(false);
  });

  it('says what it needs when the headers cannot be downloaded', async () => {
    const plan = planElectronNative(fakeRoot(), target);
    const offline = Object.assign(new Error('getaddrinfo ENOTFOUND www.electronjs.org'), { code: 'ENOTFOUND' });
    await expect(buildElectronNative(plan, fakeRebuild(offline))).rejects.toThrow(
      `Could not build better-sqlite3 12.11.1 for Electron 41.7.1 (linux-x64, NODE_MODULE_VERSION 145): getaddrinfo ENOTFOUND www.electronjs.org. ` +
        `The build downloads a prebuilt binary from GitHub or, failing that, Electron's headers from ${ELECTRON_HEADERS_URL}`,
    );
    expect(existsSync(plan.output)).toBe(false);
    expect(existsSync(plan.scratch)).toBe(false);
  });

  it('rebuilds when Electron or better-sqlite3 changed, or the module there is not Electron\'s', async () => {
    const root = fakeRoot();
    const plan = planElectronNative(root, target);
    expect(isUpToDate(plan)).toBe(false);
    await buildElectronNative(plan, fakeRebuild(145));
    expect(isUpToDate({ ...plan, electronVersion: '41.8.0' } satisfies NativeBuildPlan)).toBe(false);
    expect(isUpToDate({ ...plan, moduleVersion: '12.12.0' })).toBe(false);
    writeFileSync(plan.output, readFileSync(NODE_BINARY));
    expect(isUpToDate(plan)).toBe(false);
  });

  it.each([
    [{ electronPlatformName: 'linux', arch: 1 }, { platform: 'linux', arch: 'x64' }],
    [{ electronPlatformName: 'win32', arch: 3 }, { platform: 'win32', arch: 'arm64' }],
    [{ electronPlatformName: 'mas', arch: 3 }, { platform: 'darwin', arch: 'arm64' }],
  ])('builds for the platform and arch electron-builder packs: %o', (context, wanted) => {
    const { Arch } = require('builder-util') as { Arch: Record<number, string> };
    expect(packTarget(context, Arch)).toEqual(wanted);
  });

  it('warns when a package is for another machine than this one: keytar ships as npm built it here', () => {
    expect(foreignKeytarWarning({ platform: 'linux', arch: 'x64' }, { platform: 'linux', arch: 'x64' })).toBeNull();
    expect(foreignKeytarWarning({ platform: 'linux', arch: 'arm64' }, { platform: 'linux', arch: 'x64' })).toMatch(/built for linux-x64: the linux-arm64 package will not reach the OS keychain/);
  });

  it('refuses a universal macOS pack: it has no single arch to build for', () => {
    const { Arch } = require('builder-util') as { Arch: Record<number, string> };
    expect(() => packTarget({ electronPlatformName: 'darwin', arch: 4 }, Arch)).toThrow(/universal/);
  });
});
