// Runs electron-builder's own build() on Linux offline, as far as it goes without downloads: a
// stand-in Electron (a file holding a real fuse wire, see fake-electron-binary.ts) replaces the
// zip it would fetch (electronDist), and the deb stops where it would hand its arguments to fpm,
// which is not installed here (effectiveOptionComputed, electron-builder's own hook for that).
// The project's package.json and electron-builder.yml are used as they are, except the steps
// that need the network (the beforePack build of better-sqlite3 for Electron, and its resources)
// and the production dependencies, which are not installed in the scratch project.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { writeElectronBinary } from './fake-electron-binary.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
const HOOKS = ['beforePack', 'afterPack', 'afterSign', 'afterAllArtifactBuild'] as const;

export interface DryRunOptions {
  /** electron-builder's Linux target name: 'dir' (the unpacked app only) or 'deb'. */
  target: 'dir' | 'deb';
  /** The stand-in Electron's fuse wire (STOCK_WIRE by default). */
  wire?: readonly number[];
  /** Changes to package.json before the build (what a project without those fields would hand it). */
  packageJson?: (pkg: Record<string, unknown>) => void;
}

export interface DryRun {
  outDir: string;
  /** The arguments the deb target would run fpm with; null for other targets. */
  fpmArgs: string[] | null;
}

export function projectBuilderConfig(): Record<string, unknown> {
  return parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
}

export async function linuxDryRun(options: DryRunOptions): Promise<DryRun> {
  const work = mkdtempSync(join(tmpdir(), 'switchboard-builder-'));
  const project = join(work, 'project');
  const electronDist = join(work, 'electron');
  const outDir = join(work, 'release');
  mkdirSync(join(project, 'dist', 'main', 'app'), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  // Nothing is installed in the scratch project: node_modules is not what these runs check.
  pkg.dependencies = {};
  options.packageJson?.(pkg);
  writeFileSync(join(project, 'package.json'), JSON.stringify(pkg));
  writeFileSync(join(project, 'dist', 'main', 'app', 'main.js'), 'export {};\n');
  cpSync(join(root, 'assets'), join(project, 'assets'), { recursive: true });
  writeElectronBinary(join(electronDist, 'electron'), options.wire);

  const config = projectBuilderConfig();
  delete config.beforePack;
  delete config.extraResources;
  // The hooks the project configures, from this checkout (a relative path resolves against the cwd).
  for (const hook of HOOKS) {
    const path = config[hook];
    if (typeof path === 'string' && path.startsWith('./')) config[hook] = join(root, path);
  }
  config.electronDist = electronDist;
  config.electronVersion = (JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
  config.directories = { output: outDir };

  const { build, Platform, Arch } = require('app-builder-lib') as typeof import('app-builder-lib');
  let fpmArgs: string[] | null = null;
  await build({
    projectDir: project,
    targets: Platform.LINUX.createTarget(options.target, Arch.x64),
    config,
    effectiveOptionComputed: async (computed: unknown) => {
      if (Array.isArray(computed) && Array.isArray(computed[0])) fpmArgs = computed[0] as string[];
      return true;
    },
  });
  return { outDir, fpmArgs };
}

/** The value after `flag` in an fpm argument list. */
export function fpmOption(args: readonly string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index === -1 ? undefined : args[index + 1];
}
