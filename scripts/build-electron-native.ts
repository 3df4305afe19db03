// Builds better-sqlite3 for Electron's ABI into native/electron/<platform>-<arch>/, where the
// desktop app loads it from (main/app/sqlite-native-binding.ts), so node_modules keeps the build
// for Node's ABI that npm test and the CLI load. Works on a scratch copy of the package: never
// writes to node_modules. Run by scripts/electron-native.mjs (npm run app; beforePack of npm run dist).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import type { RebuildOptions } from '@electron/rebuild';
import { SQLITE_BINARY, electronNativeDir } from '../main/app/sqlite-native-binding.js';

/** Passed explicitly: the default is the same today, but nothing may pick Node's headers instead. */
export const ELECTRON_HEADERS_URL = 'https://www.electronjs.org/headers';
const MODULE = 'better-sqlite3';

export interface NativeTarget {
  platform: NodeJS.Platform;
  arch: string;
}

export interface NativeBuildPlan extends NativeTarget {
  electronVersion: string;
  /** Electron's NODE_MODULE_VERSION, from node_modules/electron/abi_version. */
  abi: number;
  moduleVersion: string;
  /** node_modules/better-sqlite3: copied from, never written to. */
  source: string;
  /** The copy @electron/rebuild works in (deleted afterwards). */
  scratch: string;
  /** The finished better_sqlite3.node. */
  output: string;
  /** What the output was built from, to skip a rebuild when nothing changed. */
  stamp: string;
}

export function planElectronNative(root: string, target: NativeTarget): NativeBuildPlan {
  const electron = join(root, 'node_modules', 'electron');
  const source = join(root, 'node_modules', MODULE);
  const abiFile = join(electron, 'abi_version');
  if (!existsSync(abiFile)) throw new Error(`${abiFile} is missing: run npm ci (the electron package names its ABI there)`);
  const dir = electronNativeDir(root, target.platform, target.arch);
  return {
    ...target,
    electronVersion: readJson(join(electron, 'package.json')).version,
    abi: Number(readFileSync(abiFile, 'utf8').trim()),
    moduleVersion: readJson(join(source, 'package.json')).version,
    source,
    scratch: join(root, 'native', '.build', `${target.platform}-${target.arch}`),
    output: join(dir, SQLITE_BINARY),
    stamp: join(dir, 'build.json'),
  };
}

/**
 * The environment for the rebuild, without npm's npm_config_* settings: a global npmrc
 * `nodedir=/usr` reaches node-gyp as npm_config_nodedir and makes it compile against Node's
 * headers while reporting success (toolchain.md section 1).
 */
export function rebuildEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^npm_config_/i.test(name)));
}

/**
 * Only better-sqlite3, in the scratch copy, for Electron's version, headers and the target.
 * projectRootPath confines @electron/rebuild's module search to the scratch folder: without it
 * the search walks up into the project's node_modules and rebuilds Node's copy in place.
 */
export function rebuildOptions(plan: NativeBuildPlan): RebuildOptions {
  return {
    buildPath: plan.scratch,
    projectRootPath: plan.scratch,
    electronVersion: plan.electronVersion,
    platform: plan.platform,
    arch: plan.arch,
    headerURL: ELECTRON_HEADERS_URL,
    onlyModules: [MODULE],
    types: ['prod'],
    force: true,
    mode: 'sequential',
  };
}

/** The ABI an addon was compiled for: V8-ABI addons export node_register_module_v<ABI>. */
export function builtAbi(binary: Uint8Array): number | null {
  const match = /node_register_module_v(\d+)/.exec(Buffer.from(binary).toString('latin1'));
  return match ? Number(match[1]) : null;
}

export function isUpToDate(plan: NativeBuildPlan): boolean {
  if (!existsSync(plan.output) || !existsSync(plan.stamp)) return false;
  const stamp = readJson(plan.stamp) as Partial<ReturnType<typeof stampOf>>;
  const wanted = stampOf(plan);
  return stamp.electronVersion === wanted.electronVersion && stamp.abi === wanted.abi && stamp.moduleVersion === wanted.moduleVersion
    && builtAbi(readFileSync(plan.output)) === plan.abi;
}

export interface BuildDeps {
  /** @electron/rebuild's rebuild; it reads process.env, so the caller clears npm's settings first. */
  rebuild(options: RebuildOptions): Promise<void>;
}

export async function buildElectronNative(plan: NativeBuildPlan, deps: BuildDeps): Promise<void> {
  const what = `${MODULE} ${plan.moduleVersion} for Electron ${plan.electronVersion} (${plan.platform}-${plan.arch}, NODE_MODULE_VERSION ${plan.abi})`;
  rmSync(plan.scratch, { recursive: true, force: true });
  try {
    const built = await rebuildInScratch(plan, what, deps);
    const abi = builtAbi(readFileSync(built));
    if (abi !== plan.abi) {
      throw new Error(
        `Building ${what} produced a module for NODE_MODULE_VERSION ${abi ?? 'unknown'}, not ${plan.abi}: it was compiled against other headers ` +
          '(is npm_config_nodedir or a nodedir= npmrc setting reaching node-gyp?). Nothing was installed.',
      );
    }
    mkdirSync(dirname(plan.output), { recursive: true });
    cpSync(built, plan.output);
    writeFileSync(plan.stamp, `${JSON.stringify(stampOf(plan), null, 2)}\n`);
  } finally {
    rmSync(plan.scratch, { recursive: true, force: true });
  }
}

/** Copies the package (without Node's build/) to the scratch folder, rebuilds it there, returns the new module's path. */
async function rebuildInScratch(plan: NativeBuildPlan, what: string, deps: BuildDeps): Promise<string> {
  const copy = join(plan.scratch, 'node_modules', MODULE);
  mkdirSync(copy, { recursive: true });
  writeFileSync(join(plan.scratch, 'package.json'), JSON.stringify({ name: 'switchboard-electron-native', private: true, dependencies: { [MODULE]: plan.moduleVersion } }));
  // Without build/: Node's compiled module must not be mistaken for the new one.
  cpSync(plan.source, copy, { recursive: true, filter: (path) => !isInside(join(plan.source, 'build'), path) });
  try {
    await deps.rebuild(rebuildOptions(plan));
  } catch (error) {
    throw new Error(
      `Could not build ${what}: ${error instanceof Error ? error.message : String(error)}. ` +
        `The build downloads a prebuilt binary from GitHub or, failing that, Electron's headers from ${ELECTRON_HEADERS_URL}: ` +
        `it needs that network access (node_modules was not changed).`,
      { cause: error },
    );
  }
  const built = join(copy, 'build', 'Release', SQLITE_BINARY);
  if (!existsSync(built)) throw new Error(`Building ${what} reported success but wrote no ${built}`);
  return built;
}

/** electron-builder's beforePack context to a target: its Arch enum by name, mas built as darwin. */
export function packTarget(context: { electronPlatformName: string; arch: number }, archNames: Record<number, string>): NativeTarget {
  const arch = archNames[context.arch];
  if (arch === undefined || arch === 'universal') {
    throw new Error(`No Electron build of ${MODULE} for arch ${arch ?? context.arch}: package each arch on its own (x64, arm64)`);
  }
  const platform = context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName;
  return { platform: platform as NodeJS.Platform, arch };
}

/**
 * npmRebuild is off (it would rebuild node_modules in place), so keytar (N-API) ships the module
 * npm built for this machine: a package for another platform or arch gets the wrong one.
 */
export function foreignKeytarWarning(target: NativeTarget, host: NativeTarget): string | null {
  if (target.platform === host.platform && target.arch === host.arch) return null;
  return `keytar's native module in node_modules is built for ${host.platform}-${host.arch}: the ${target.platform}-${target.arch} package ` +
    `will not reach the OS keychain. Package ${target.platform}-${target.arch} on a ${target.platform}-${target.arch} machine.`;
}

function stampOf(plan: NativeBuildPlan) {
  return { electronVersion: plan.electronVersion, abi: plan.abi, moduleVersion: plan.moduleVersion };
}

function isInside(dir: string, path: string): boolean {
  const rest = relative(dir, path);
  return rest === '' || (!rest.startsWith('..') && !isAbsolute(rest));
}

function readJson(file: string): { version: string } {
  return JSON.parse(readFileSync(file, 'utf8')) as { version: string };
}
