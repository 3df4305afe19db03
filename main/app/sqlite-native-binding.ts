// Where the desktop app finds better-sqlite3 built for Electron's ABI: node_modules holds the build
// for Node's (npm test, the CLI), which Electron refuses (NODE_MODULE_VERSION). Pure paths, shared
// with scripts/build-electron-native.mjs (which writes the file) and electron-builder.yml (which
// ships it); never loads anything and never points at node_modules.
import { join } from 'node:path';

export const SQLITE_BINARY = 'better_sqlite3.node';

/** Inside the packaged app's resources folder (electron-builder.yml extraResources `to`). */
export const PACKAGED_NATIVE_DIR = 'native';

/** The build for one platform and arch under the project root, where the build script writes it. */
export function electronNativeDir(root: string, platform: string, arch: string): string {
  return join(root, 'native', 'electron', `${platform}-${arch}`);
}

export interface AppLocation {
  /** Electron's app.isPackaged. */
  isPackaged: boolean;
  /** app.getAppPath(): the project root in development (`electron .`). */
  appRoot: string;
  /** process.resourcesPath: the packaged app's resources folder. */
  resourcesPath: string;
  platform: NodeJS.Platform;
  arch: string;
}

/** The better_sqlite3.node the app hands openDatabase as its nativeBinding. */
export function sqliteNativeBinding(where: AppLocation): string {
  if (where.isPackaged) return join(where.resourcesPath, PACKAGED_NATIVE_DIR, SQLITE_BINARY);
  return join(electronNativeDir(where.appRoot, where.platform, where.arch), SQLITE_BINARY);
}
