// electron-builder afterSign hook: reads the fuse wire back out of the packaged Electron binary
// and fails the build when any fuse differs from electronFuses in electron-builder.yml (security
// checklist S35). The reader is main/app/fuse-wire.ts (unit-tested; @electron/fuses does the
// reading), loaded through jiti so the hook does not depend on a build step having run.
import { createJiti } from 'jiti';

const jiti = createJiti(import.meta.url);

export default async function verifyFuses(context) {
  const { compareFuses, fuseBinaryPath, readFuseWire } = await jiti.import('../main/app/fuse-wire.ts');
  const configured = context.packager.config.electronFuses;
  if (configured == null) throw new Error('electron-builder.yml sets no electronFuses: refusing to ship stock fuses');
  // Not a fuse: an instruction to electron-builder about macOS signatures.
  const { resetAdHocDarwinSignature: _notAFuse, ...expected } = configured;
  const file = fuseBinaryPath(context.appOutDir, context.electronPlatformName, {
    productFilename: context.packager.appInfo.productFilename,
    executableName: context.packager.executableName ?? context.packager.appInfo.productFilename,
  });
  const problems = compareFuses(await readFuseWire(file), expected);
  if (problems.length > 0) throw new Error(`Fuses in ${file} are not as configured:\n  ${problems.join('\n  ')}`);
  console.log(`  • fuses verified  file=${file}`);
}
