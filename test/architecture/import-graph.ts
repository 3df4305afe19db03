// Reads every import of the source tree (static, dynamic, type-only and re-exports, through
// TypeScript's own pre-processor) and checks it against the layer rules of
// shared/design/architecture.md. Pure apart from reading files, so the rules are unit-tested on
// hand-made graphs and the real tree is checked in CI.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** Repository-relative path of the importing file, with '/'. */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** Repository-relative path of the imported file for relative specifiers; undefined for packages. */
  to: string | undefined;
}

export interface LayerRules {
  /** Folders from the top layer to the bottom one; a file may import its own layer or any below it. */
  layers: readonly string[];
  /** Packages only these folders may import (e.g. electron only under main/app). */
  restrictedPackages: Readonly<Record<string, readonly string[]>>;
  /** Folders that may import only from the listed folders (and themselves), e.g. renderer -> shared. */
  isolated: Readonly<Record<string, readonly string[]>>;
}

const SOURCE = /\.(ts|tsx|cts|mts)$/;

/** Every import of every .ts/.tsx/.cts file under the given folders. */
export function readImportGraph(root: string, folders: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const folder of folders) {
    for (const file of walk(join(root, folder))) {
      const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      const from = toPosix(relative(root, file));
      for (const imported of info.importedFiles) {
        const specifier = imported.fileName;
        const to = specifier.startsWith('.') ? toPosix(relative(root, resolve(dirname(file), specifier))) : undefined;
        edges.push({ from, specifier, to });
      }
    }
  }
  return edges;
}

/** The layer a path belongs to: the longest listed folder containing it, or undefined. */
export function layerOf(path: string, layers: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const layer of layers) {
    if (path === layer || path.startsWith(`${layer}/`)) {
      if (best === undefined || layer.length > best.length) best = layer;
    }
  }
  return best;
}

/** One sentence per import that breaks a rule; empty when the tree is clean. */
export function findLayerViolations(edges: readonly ImportEdge[], rules: LayerRules): string[] {
  const violations: string[] = [];
  for (const edge of edges) {
    const packageName = edge.to === undefined ? packageOf(edge.specifier) : undefined;
    if (packageName !== undefined) {
      const allowed = rules.restrictedPackages[packageName];
      if (allowed && !allowed.some((folder) => layerOf(edge.from, [folder]) !== undefined)) {
        violations.push(`${edge.from} imports '${edge.specifier}', which only ${allowed.join(', ')} may import`);
      }
    }
    const isolation = isolationViolation(edge, rules);
    if (isolation !== undefined) {
      violations.push(isolation);
      continue;
    }
    if (edge.to === undefined) continue;
    const fromLayer = layerOf(edge.from, rules.layers);
    const toLayer = layerOf(edge.to, rules.layers);
    if (fromLayer === undefined || toLayer === undefined) continue;
    if (rules.layers.indexOf(toLayer) < rules.layers.indexOf(fromLayer)) {
      violations.push(`${edge.from} imports ${edge.to}: ${fromLayer}/ may not import from ${toLayer}/, which sits above it`);
    }
  }
  return violations;
}

/** An isolated folder (shared/, renderer/) importing outside what it may: one message, or undefined. */
function isolationViolation(edge: ImportEdge, rules: LayerRules): string | undefined {
  for (const [folder, allowedTargets] of Object.entries(rules.isolated)) {
    if (layerOf(edge.from, [folder]) === undefined) continue;
    if (edge.to === undefined) {
      return edge.specifier.startsWith('node:') || edge.specifier === 'electron'
        ? `${edge.from} imports '${edge.specifier}', but ${folder}/ must not depend on a runtime`
        : undefined;
    }
    if (![folder, ...allowedTargets].some((target) => layerOf(edge.to!, [target]) !== undefined)) {
      return `${edge.from} imports ${edge.to}, but ${folder}/ may only import ${allowedTargets.join(', ') || 'itself'}`;
    }
  }
  return undefined;
}

function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
