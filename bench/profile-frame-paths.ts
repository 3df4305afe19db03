// Turns a CPU-profile frame's URL and position into the source path the stage rules match:
// the gateway runs as one bundle (dist/main/switchboard.mjs, scripts/bundle-cli.mjs), so its
// frames are mapped back through the bundle's source map (written next to it) to the file the
// code came from: main/gateway/plugins/authenticate, node_modules/undici/lib/dispatcher/client-h1.
// Node's own SourceMap class reads the map; each map is read once. A file with no map, or a
// position the map does not cover, keeps its own path.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ResolveFrame } from './attribute-profile-stages.js';

/** A file path as the rules see it: from its last node_modules/, else from dist/ (dist/main/x.js → main/x), no extension. */
export function rulePathOfFile(file: string): string {
  const withoutExt = file.replace(/\.(m|c)?(j|t)sx?$/, '');
  const modules = withoutExt.lastIndexOf('/node_modules/');
  if (modules >= 0) return withoutExt.slice(modules + 1);
  const dist = withoutExt.lastIndexOf('/dist/');
  if (dist >= 0) return withoutExt.slice(dist + '/dist/'.length);
  return withoutExt;
}

/** The rule path of a URL without a source map: node:… and V8's empty URL stay as they are. */
export function rulePathOfUrl(url: string): string {
  if (url === '' || url.startsWith('node:')) return url;
  return rulePathOfFile(url.startsWith('file://') ? fileURLToPath(url) : url);
}

/** A resolver that reads each file's `.map` (if any) on first use. */
export function createFrameResolver(readMap: (file: string) => string | undefined = readMapBeside): ResolveFrame {
  const maps = new Map<string, { map: SourceMap; mapUrl: string } | null>();
  const resolved = new Map<string, string>();
  return (frame) => {
    const { url } = frame;
    if (!url.startsWith('file://')) return rulePathOfUrl(url);
    const key = `${url}:${frame.lineNumber}:${frame.columnNumber ?? 0}`;
    const known = resolved.get(key);
    if (known !== undefined) return known;
    let entry = maps.get(url);
    if (entry === undefined) {
      const file = fileURLToPath(url);
      const text = readMap(file);
      entry = text === undefined ? null : { map: new SourceMap(JSON.parse(text) as ConstructorParameters<typeof SourceMap>[0]), mapUrl: pathToFileURL(`${file}.map`).href };
      maps.set(url, entry);
    }
    let path = rulePathOfUrl(url);
    if (entry !== null) {
      const found = entry.map.findEntry(frame.lineNumber, frame.columnNumber ?? 0) as { originalSource?: string };
      if (found.originalSource) path = rulePathOfUrl(new URL(found.originalSource, entry.mapUrl).href);
    }
    resolved.set(key, path);
    return path;
  };
}

function readMapBeside(file: string): string | undefined {
  const mapFile = `${file}.map`;
  return existsSync(mapFile) ? readFileSync(mapFile, 'utf8') : undefined;
}
