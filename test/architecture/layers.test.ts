// The dependency rule of the architecture, checked on the real tree: arrows only point down
// (app -> cli -> gateway -> config -> routing -> metering -> attribution -> providers -> keys -> secrets ->
// storage -> core -> shared), `electron` only under main/app, the renderer and shared/ free of
// the layers above them. A new upward import fails CI with the file and the edge.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLayerViolations, layerOf, readImportGraph, type ImportEdge, type LayerRules } from './import-graph.js';

export const SWITCHBOARD_LAYERS: LayerRules = {
  layers: [
    'main/app',
    'main', // cli.ts, cli-args.ts, start-gateway.ts: the headless entry
    'main/gateway',
    'main/config',
    'main/routing',
    // Apps (issue 19): their repository and rule cache; the meter holds the interface and the app budget ledger.
    'main/apps',
    'main/metering',
    'main/attribution', // per-process attribution: the OS lookup and process naming, below the meter that names apps
    'main/providers',
    'main/keys',
    'main/secrets',
    'main/storage',
    'main/core',
    'shared',
  ],
  restrictedPackages: { electron: ['main/app'] },
  isolated: { shared: [], renderer: ['shared'] },
};

const root = join(import.meta.dirname, '..', '..');

describe('the layer rule', () => {
  it('holds for every import under main/, shared/ and renderer/', () => {
    const edges = readImportGraph(root, ['main', 'shared', 'renderer']);
    // The reader must see the tree, or an empty graph would pass.
    expect(edges.filter((edge) => edge.from.startsWith('main/gateway/')).length).toBeGreaterThan(100);
    expect(findLayerViolations(edges, SWITCHBOARD_LAYERS)).toEqual([]);
  });

  it('reads type-only imports, re-exports and dynamic imports as edges', () => {
    const edges = readImportGraph(root, ['main']);
    expect(edges).toContainEqual({ from: 'main/providers/provider-adapter.ts', specifier: '../core/deployment.js', to: 'main/core/deployment.js' });
  });

  it.each<[string, ImportEdge, string]>([
    ['a provider importing the gateway', { from: 'main/providers/x.ts', specifier: '../gateway/y.js', to: 'main/gateway/y.js' }, 'main/providers/ may not import from main/gateway/'],
    ['metering importing routing', { from: 'main/metering/x.ts', specifier: '../routing/y.js', to: 'main/routing/y.js' }, 'main/metering/ may not import from main/routing/'],
    ['core importing storage', { from: 'main/core/x.ts', specifier: '../storage/y.js', to: 'main/storage/y.js' }, 'main/core/ may not import from main/storage/'],
    ['the gateway importing electron', { from: 'main/gateway/x.ts', specifier: 'electron', to: undefined }, "only main/app may import"],
    ['shared importing main', { from: 'shared/api/x.ts', specifier: '../../main/core/y.js', to: 'main/core/y.js' }, 'shared/ may only import itself'],
    ['shared importing a Node builtin', { from: 'shared/x.ts', specifier: 'node:fs', to: undefined }, 'must not depend on a runtime'],
    ['the renderer importing main', { from: 'renderer/src/x.ts', specifier: '../../main/core/y.js', to: 'main/core/y.js' }, 'renderer/ may only import shared'],
  ])('flags %s', (_name, edge, message) => {
    const violations = findLayerViolations([edge], SWITCHBOARD_LAYERS);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toContain(message);
  });

  it.each<[string, ImportEdge]>([
    ['the gateway importing routing', { from: 'main/gateway/x.ts', specifier: '../routing/y.js', to: 'main/routing/y.js' }],
    ['the cli importing the gateway', { from: 'main/cli.ts', specifier: './gateway/y.js', to: 'main/gateway/y.js' }],
    ['the app importing electron', { from: 'main/app/x.ts', specifier: 'electron', to: undefined }],
    ['a file importing its own folder', { from: 'main/metering/x.ts', specifier: './y.js', to: 'main/metering/y.js' }],
    ['anything importing shared', { from: 'main/providers/x.ts', specifier: '../../shared/y.js', to: 'shared/y.js' }],
  ])('allows %s', (_name, edge) => {
    expect(findLayerViolations([edge], SWITCHBOARD_LAYERS)).toEqual([]);
  });

  it('puts a file in the deepest listed folder that holds it', () => {
    expect(layerOf('main/cli.ts', SWITCHBOARD_LAYERS.layers)).toBe('main');
    expect(layerOf('main/app/tray.ts', SWITCHBOARD_LAYERS.layers)).toBe('main/app');
    expect(layerOf('main/gatewayish/x.ts', SWITCHBOARD_LAYERS.layers)).toBe('main');
    expect(layerOf('bench/run-bench.ts', SWITCHBOARD_LAYERS.layers)).toBeUndefined();
  });
});
