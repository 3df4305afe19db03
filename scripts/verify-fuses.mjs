// electron-builder hooks that read the fuse wire back out of every packaged Electron binary and
// fail the build when any fuse differs from electronFuses in electron-builder.yml (security
// checklist S35): afterPack notes each app, afterAllArtifactBuild checks them all, on every
// platform (scripts/packed-fuse-check.ts, loaded through jiti so no build step has to run first).
import { createJiti } from 'jiti';

const jiti = createJiti(import.meta.url);
const { createPackedFuseCheck } = await jiti.import('./packed-fuse-check.ts');
const check = createPackedFuseCheck((line) => console.log(line));

// electron-builder takes the export named after the hook from a module that has one.
export const afterPack = (context) => check.afterPack(context);
export const afterAllArtifactBuild = (result) => check.afterAllArtifactBuild(result);
