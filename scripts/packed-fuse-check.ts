// Reads back the fuses of every app one electron-builder run packed, once all artifacts are built,
// and fails the build when any differs from electronFuses (security checklist S35). afterPack
// records each packed app; afterAllArtifactBuild checks them: afterSign is skipped wherever nothing
// was signed (every Linux build), and afterPack runs before the fuses are flipped. Never flips a fuse.
import { isAbsolute, relative, resolve } from 'node:path';
import { compareFuses, fuseBinaryPath, readFuseWire, type FuseName, type PackagedPlatform } from '../main/app/fuse-wire.js';

/** The parts of electron-builder's AfterPackContext this check reads. */
export interface PackedContext {
  appOutDir: string;
  electronPlatformName: string;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}

/** The parts of electron-builder's BuildResult this check reads. */
export interface BuildResultLike {
  outDir: string;
  configuration: { electronFuses?: Record<string, unknown> | null };
}

export interface PackedApp {
  appOutDir: string;
  platform: PackagedPlatform;
  productFilename: string;
  executableName: string;
}

const PLATFORMS: readonly string[] = ['darwin', 'mas', 'win32', 'linux'] satisfies PackagedPlatform[];

export function packedAppOf(context: PackedContext): PackedApp {
  if (!PLATFORMS.includes(context.electronPlatformName)) throw new Error(`Cannot check the fuses of a ${context.electronPlatformName} build`);
  const productFilename = context.packager.appInfo.productFilename;
  return {
    appOutDir: context.appOutDir,
    platform: context.electronPlatformName as PackagedPlatform,
    productFilename,
    executableName: context.packager.executableName ?? productFilename,
  };
}

/** electronFuses as the fuses to expect: resetAdHocDarwinSignature is an instruction to electron-builder, not a fuse. */
export function expectedFuses(electronFuses: Record<string, unknown> | null | undefined): Partial<Record<FuseName, boolean>> {
  if (electronFuses == null) throw new Error('electron-builder.yml sets no electronFuses: refusing to ship stock fuses');
  const { resetAdHocDarwinSignature: _notAFuse, ...fuses } = electronFuses;
  return fuses as Partial<Record<FuseName, boolean>>;
}

/** Reads every app's binary; throws one error naming each binary and fuse that differs. Returns the files checked. */
export async function verifyPackedApps(apps: readonly PackedApp[], expected: Partial<Record<FuseName, boolean>>): Promise<string[]> {
  if (apps.length === 0) throw new Error('No packed app to check the fuses of: electron-builder ran no afterPack');
  const checked: string[] = [];
  const problems: string[] = [];
  for (const app of apps) {
    const file = fuseBinaryPath(app.appOutDir, app.platform, app);
    const differences = compareFuses(await readFuseWire(file), expected);
    if (differences.length > 0) problems.push(`Fuses in ${file} are not as configured:\n  ${differences.join('\n  ')}`);
    checked.push(file);
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return checked;
}

/** The two hooks, sharing the list of apps packed in this run. */
export function createPackedFuseCheck(log: (line: string) => void) {
  const packed = new Map<string, PackedApp>();
  return {
    afterPack(context: PackedContext): void {
      packed.set(context.appOutDir, packedAppOf(context));
    },
    async afterAllArtifactBuild(result: BuildResultLike): Promise<string[]> {
      // This run's apps: a run that failed before this hook (in the same process) left its own.
      const apps = [...packed.values()].filter((app) => isInside(app.appOutDir, result.outDir));
      packed.clear();
      for (const file of await verifyPackedApps(apps, expectedFuses(result.configuration.electronFuses))) log(`  • fuses verified  file=${file}`);
      // No artifacts of its own to add to the build's list.
      return [];
    },
  };
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
