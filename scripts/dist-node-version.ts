// Whether this Node can run `npm run dist`: electron-builder packages through @electron/rebuild,
// which is ES-module-only and declares the Node it needs in its package.json engines (">=22.12.0"
// for 4.x). The gateway, the CLI and the tests keep running on Node 20. Reads no other file.

/** The lowest Node version an engines range of the form ">=X.Y.Z" allows; throws on any other form. */
export function minimumNode(range: string): [number, number, number] {
  const match = /^\s*>=\s*v?(\d+)\.(\d+)\.(\d+)\s*$/.exec(range);
  if (match === null) throw new Error(`Cannot read the Node version @electron/rebuild needs from "${range}"`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** null when `nodeVersion` (process.versions.node) satisfies `range`, else what to tell the user. */
export function distNodeProblem(nodeVersion: string, range: string): string | null {
  const needed = minimumNode(range);
  const have = nodeVersion.replace(/^v/, '').split('.').map((part) => Number.parseInt(part, 10));
  for (let i = 0; i < 3; i++) {
    const part = have[i] ?? 0;
    if (part > needed[i]!) return null;
    if (part < needed[i]!) {
      return `npm run dist needs Node ${needed.join('.')} or newer (electron-builder packages with @electron/rebuild, which requires ${range.trim()}); this is Node ${nodeVersion.replace(/^v/, '')}. Switch to Node 22 for packaging (for example \`nvm use 22\`); the gateway and the tests keep running on Node 20.`;
    }
  }
  return null;
}
