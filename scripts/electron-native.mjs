// Gives the desktop app better-sqlite3 built for Electron's ABI (scripts/build-electron-native.ts):
//   node scripts/electron-native.mjs [--platform P] [--arch A] [--force]   (npm run app: this machine)
// and, as electron-builder's beforePack hook, for the platform and arch being packed (npm run dist).
// Skips the build when native/electron/<platform>-<arch>/ already holds one for this Electron.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createJiti } from 'jiti';

const jiti = createJiti(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const self = fileURLToPath(import.meta.url);

/** electron-builder beforePack hook: builds in a child process, away from electron-builder's environment. */
export default async function beforePack(context) {
  const { foreignKeytarWarning, packTarget, rebuildEnv } = await jiti.import('./build-electron-native.ts');
  const { Arch } = createRequire(import.meta.url)('builder-util');
  const { platform, arch } = packTarget(context, Arch);
  const warning = foreignKeytarWarning({ platform, arch }, { platform: process.platform, arch: process.arch });
  if (warning !== null) console.warn(`  • warning: ${warning}`);
  const result = spawnSync(process.execPath, [self, '--platform', platform, '--arch', arch], { stdio: 'inherit', env: rebuildEnv(process.env) });
  if (result.status !== 0) throw new Error(`Building better-sqlite3 for Electron (${platform}-${arch}) failed; see above`);
}

async function main() {
  const { values } = parseArgs({ options: { platform: { type: 'string' }, arch: { type: 'string' }, force: { type: 'boolean' } }, strict: true });
  const { buildElectronNative, isUpToDate, planElectronNative, rebuildEnv } = await jiti.import('./build-electron-native.ts');
  const plan = planElectronNative(root, { platform: values.platform ?? process.platform, arch: values.arch ?? process.arch });
  if (!values.force && isUpToDate(plan)) {
    console.log(`better-sqlite3 for Electron ${plan.electronVersion} (${plan.platform}-${plan.arch}) is up to date: ${plan.output}`);
    return;
  }
  // @electron/rebuild hands process.env to node-gyp: npm's settings (nodedir=) must not reach it.
  const clean = rebuildEnv(process.env);
  for (const name of Object.keys(process.env)) if (!(name in clean)) delete process.env[name];
  const { rebuild } = await import('@electron/rebuild');
  console.log(`Building better-sqlite3 ${plan.moduleVersion} for Electron ${plan.electronVersion} (${plan.platform}-${plan.arch}, NODE_MODULE_VERSION ${plan.abi})…`);
  await buildElectronNative(plan, { rebuild });
  console.log(`Wrote ${plan.output}`);
}

if (process.argv[1] === self) {
  main().catch((error) => {
    console.error(`electron-native: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
