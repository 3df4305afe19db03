// Names the process at the other end of a connection the way people know it: the script an
// interpreter runs (`python3 sync_notes.py` -> `sync_notes.py`), the CLI a package installs
// (`node .../@anthropic-ai/claude-code/cli.js` -> `claude-code`), the editor behind a helper
// process (found by walking the parent chain), `docker` / `wsl` for connections relayed from a
// container or WSL. Pure: owner and ancestors in, a name out; never reads the file system.
// The name reaches logs, CSV and SQL filters, so it is sanitised like guessApp's product token.
import type { CallerProcess, SocketOwner } from './caller-process.js';

/** Ancestors looked at for a helper process: an extension host sits a few levels under its editor. */
export const MAX_ANCESTORS = 8;
const MAX_NAME = 48;

/** CLIs that run on an interpreter, by package path segment or executable name. */
const KNOWN_CLIS: readonly { name: string; path: RegExp; exe: RegExp }[] = [
  { name: 'claude-code', path: /\/@anthropic-ai\/claude-code\//, exe: /^claude$/ },
  { name: 'codex', path: /\/@openai\/codex\//, exe: /^codex(-[a-z0-9_-]+)?$/ },
  { name: 'qwen-code', path: /\/@qwen-code\/qwen-code\//, exe: /^qwen$/ },
  { name: 'opencode', path: /\/opencode-ai\//, exe: /^opencode$/ },
  { name: 'gemini-cli', path: /\/@google\/gemini-cli\//, exe: /^gemini$/ },
];

/**
 * Editors, by their executable's basename (lower case, `.exe` and `.sh` dropped) or a macOS app
 * bundle in the path: the name a helper under them is shown as. Never a directory name alone:
 * `~/code/tool` is not VS Code.
 */
const EDITORS: readonly [RegExp, string][] = [
  [/^(code|code-insiders|code-oss|codium|vscodium)$|^code( - insiders)? helper\b|\/visual studio code[^/]*\.app\//, 'vscode'],
  [/^cursor$|^cursor helper\b|\/cursor\.app\//, 'cursor'],
  [/^windsurf$|^windsurf helper\b|\/windsurf\.app\//, 'windsurf'],
  [/^(zed|zed-editor|zeditor)$|\/zed[^/]*\.app\//, 'zed'],
  [/^(idea|idea64)$|\/intellij idea[^/]*\.app\//, 'intellij'],
  [/^pycharm(64)?$|\/pycharm[^/]*\.app\//, 'pycharm'],
  [/^webstorm(64)?$/, 'webstorm'],
  [/^goland(64)?$/, 'goland'],
  [/^clion(64)?$/, 'clion'],
  [/^rider(64)?$/, 'rider'],
  [/^studio(64)?$/, 'android-studio'],
];

/** Port relays: the real caller is inside a container or WSL. */
const RELAYS: Readonly<Record<string, { name: string; via: 'docker' | 'wsl' }>> = {
  'docker-proxy': { name: 'docker', via: 'docker' },
  rootlessport: { name: 'docker', via: 'docker' },
  'rootlesskit': { name: 'docker', via: 'docker' },
  slirp4netns: { name: 'docker', via: 'docker' },
  vpnkit: { name: 'docker', via: 'docker' },
  'com.docker.backend': { name: 'docker', via: 'docker' },
  wslrelay: { name: 'wsl', via: 'wsl' },
  'wslrelay.exe': { name: 'wsl', via: 'wsl' },
  'wsl.exe': { name: 'wsl', via: 'wsl' },
  wslhost: { name: 'wsl', via: 'wsl' },
  'wslhost.exe': { name: 'wsl', via: 'wsl' },
};

type Interpreter = 'python' | 'node' | 'bun' | 'deno' | 'ruby' | 'perl' | 'php' | 'shell' | 'java';

const INTERPRETERS: readonly [RegExp, Interpreter][] = [
  [/^(python|pypy)[0-9.]*(\.exe)?$/, 'python'],
  [/^(node|nodejs)(\.exe)?$/, 'node'],
  [/^bun(\.exe)?$/, 'bun'],
  [/^deno(\.exe)?$/, 'deno'],
  [/^ruby[0-9.]*(\.exe)?$/, 'ruby'],
  [/^perl[0-9.]*(\.exe)?$/, 'perl'],
  [/^php[0-9.]*(\.exe)?$/, 'php'],
  [/^(ba|da|z|k|fi|c|tc)?sh$/, 'shell'],
  [/^java(w)?(\.exe)?$/, 'java'],
];

/** Options that take the next argument as their value, per interpreter (so it is not the script). */
const VALUE_OPTIONS: Readonly<Record<Interpreter, ReadonlySet<string>>> = {
  python: new Set(['-W', '-X', '-Q']),
  node: new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '--inspect-port', '--title', '--env-file', '--conditions', '-C']),
  bun: new Set(['-r', '--preload', '--cwd', '--env-file', '--config', '-c']),
  deno: new Set(['--config', '-c', '--import-map', '--env-file', '--lock', '--location', '--cert']),
  ruby: new Set(['-I', '-r', '-C', '-E']),
  perl: new Set(['-I', '-M', '-m']),
  php: new Set(['-c', '-d', '-z']),
  shell: new Set(['-o', '-O', '+O']),
  java: new Set(['-cp', '-classpath', '--class-path', '-p', '--module-path', '--add-opens', '--add-exports', '--add-modules']),
};

/** Inline code: no script file to name the process after. */
const INLINE_OPTIONS: Readonly<Record<Interpreter, ReadonlySet<string>>> = {
  python: new Set(['-c']),
  node: new Set(['-e', '--eval', '-p', '--print']),
  bun: new Set(['-e', '--eval', '-p', '--print']),
  deno: new Set(['eval', 'repl']),
  ruby: new Set(['-e']),
  perl: new Set(['-e', '-E']),
  php: new Set(['-r']),
  shell: new Set(['-c']),
  java: new Set([]),
};

/** Entry files too generic to name a program: the package directory above them names it. */
const GENERIC_ENTRIES = /^(index|cli|main|bin|run|app|start|entry|__main__)\.(c|m)?(js|ts|py)$/;
const PACKAGE_RUNNERS = /^(npx|pnpx|bunx|npm-cli\.js|npx-cli\.js|pnpm|yarn|uvx|pipx)$/;

/**
 * True when naming `owner` may need its parents: a helper process (an Electron `--type=` child,
 * a bare interpreter with no script). The worker reads the ancestors only then.
 */
export function needsAncestors(owner: SocketOwner): boolean {
  const first = nameWithoutAncestors(owner);
  return first.helper || first.bare;
}

/** `name` is a bare interpreter's name (`python3`, `node`): a library's User-Agent says more. */
export function isBareInterpreterName(name: string): boolean {
  return INTERPRETERS.some(([pattern]) => pattern.test(name));
}

/**
 * The name for `owner`; `ancestors` are its parent, grandparent, ... (nearest first), read only
 * when needsAncestors() asked for them. Null when nothing printable is left of the name.
 */
export function nameCallerProcess(owner: SocketOwner, ancestors: readonly SocketOwner[] = []): CallerProcess | null {
  const first = nameWithoutAncestors(owner);
  let name = first.name;
  let via = first.via;
  if (first.helper || first.bare) {
    for (const ancestor of ancestors.slice(0, MAX_ANCESTORS)) {
      const editor = editorOf(ancestor);
      if (editor !== undefined) {
        name = editor;
        via = undefined;
        break;
      }
    }
  }
  const clean = sanitiseProcessName(name);
  if (clean === '') return null;
  return { name: clean, pid: owner.pid, exePath: owner.exePath, ...(via ? { via } : {}) };
}

interface FirstName {
  name: string;
  via?: 'docker' | 'wsl';
  /** A helper (Electron `--type=` child) or an unknown editor child: its ancestor names it. */
  helper: boolean;
  /** A bare interpreter (no script): an ancestor editor, if any, names it better. */
  bare: boolean;
}

function nameWithoutAncestors(owner: SocketOwner): FirstName {
  const argv = owner.argv ?? [];
  const exeBase = basename(owner.exePath);
  const relay = RELAYS[exeBase.toLowerCase()] ?? RELAYS[basename(argv[0] ?? '').toLowerCase()];
  if (relay) return { name: relay.name, via: relay.via, helper: false, bare: false };

  const known = knownCli(owner.exePath, argv);
  if (known !== undefined) return { name: known, helper: false, bare: false };

  const editor = editorOf(owner);
  if (editor !== undefined) return { name: editor, helper: false, bare: false };
  const helper = argv.some((arg) => arg.startsWith('--type='));

  const interpreter = interpreterOf(exeBase) ?? interpreterOf(basename(argv[0] ?? ''));
  if (interpreter !== undefined) {
    const script = scriptOf(interpreter, argv.slice(1));
    if (script !== undefined) return { name: script, helper, bare: false };
    return { name: interpreterName(exeBase, argv), helper, bare: true };
  }
  return { name: exeBase || basename(argv[0] ?? ''), helper, bare: false };
}

function knownCli(exePath: string, argv: readonly string[]): string | undefined {
  const paths = [exePath, ...argv.slice(0, 4)];
  for (const cli of KNOWN_CLIS) {
    if (paths.some((p) => cli.path.test(p.replace(/\\/g, '/')) || cli.exe.test(basename(p).replace(/\.(exe|cmd|js|mjs)$/i, '')))) return cli.name;
  }
  return undefined;
}

function editorOf(process: SocketOwner): string | undefined {
  for (const candidate of [process.exePath, process.argv?.[0] ?? '']) {
    if (candidate === '') continue;
    const path = candidate.replace(/\\/g, '/').toLowerCase();
    const base = basename(path).replace(/\.(exe|sh)$/, '');
    for (const [pattern, name] of EDITORS) if (pattern.test(base) || pattern.test(path)) return name;
  }
  // JetBrains IDEs run on their bundled JBR java; the IDE is named by its platform prefix.
  const prefix = process.argv?.find((arg) => arg.startsWith('-Didea.platform.prefix='));
  if (prefix !== undefined) return sanitiseProcessName(prefix.slice('-Didea.platform.prefix='.length).toLowerCase()) || 'intellij';
  if (process.argv?.some((arg) => arg.startsWith('-Didea.'))) return 'intellij';
  return undefined;
}

function interpreterOf(base: string): Interpreter | undefined {
  const lower = base.toLowerCase();
  for (const [pattern, interpreter] of INTERPRETERS) if (pattern.test(lower)) return interpreter;
  return undefined;
}

function interpreterName(exeBase: string, argv: readonly string[]): string {
  return exeBase || basename(argv[0] ?? '');
}

/** The script an interpreter runs: its first argument that is not an option or an option's value. */
function scriptOf(interpreter: Interpreter, args: readonly string[]): string | undefined {
  const takesValue = VALUE_OPTIONS[interpreter];
  const inline = INLINE_OPTIONS[interpreter];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (inline.has(arg)) return undefined;
    if (interpreter === 'python' && arg === '-m') return args[i + 1] === undefined ? undefined : moduleName(args[i + 1]!);
    if (interpreter === 'java' && arg === '-jar') return args[i + 1] === undefined ? undefined : basename(args[i + 1]!);
    if (interpreter === 'deno' && (arg === 'run' || arg === 'serve' || arg === 'task')) continue;
    if (interpreter === 'bun' && (arg === 'run' || arg === 'x')) continue;
    if (takesValue.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-') || arg.startsWith('+')) continue;
    if (interpreter === 'java') return arg.split('.').pop() || arg;
    return scriptName(arg, args.slice(i + 1));
  }
  return undefined;
}

/** `python -m pkg.tool` -> `pkg`: the package people installed. */
function moduleName(module: string): string {
  return module.split('.')[0] ?? module;
}

/**
 * The script's basename; through package runners (`npx X`, `node .../npx-cli.js X`) the package
 * they run; a generic entry (`.../node_modules/foo/bin/cli.js`) the package it belongs to.
 */
function scriptName(script: string, rest: readonly string[]): string {
  const path = script.replace(/\\/g, '/');
  const base = basename(path);
  if (PACKAGE_RUNNERS.test(base)) {
    const target = rest.find((arg) => !arg.startsWith('-') && arg !== 'exec' && arg !== 'run' && arg !== 'dlx');
    if (target !== undefined) return packageName(target);
  }
  if (GENERIC_ENTRIES.test(base)) {
    const inPackage = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
    if (inPackage) return packageName(inPackage[1]!);
    const parent = path.split('/').slice(0, -1).filter((part) => part !== '' && part !== 'bin' && part !== 'dist' && part !== 'src' && part !== 'lib').pop();
    if (parent !== undefined && base.startsWith('__main__')) return parent;
  }
  return base;
}

/** `@scope/name@1.2.3` -> `name`. */
function packageName(spec: string): string {
  const withoutScope = spec.startsWith('@') ? spec.slice(spec.indexOf('/') + 1) : spec;
  return basename(withoutScope.split('@')[0] ?? withoutScope);
}

function basename(path: string): string {
  const parts = path.replace(/\\/g, '/').split('/');
  return parts[parts.length - 1] ?? '';
}

/**
 * Short and printable: letters, digits and `._+-@`; anything else (spaces, quotes, control
 * characters, non-ASCII) becomes `-`, runs collapsed; at most MAX_NAME characters.
 */
export function sanitiseProcessName(name: string): string {
  return name
    .replace(/[^A-Za-z0-9._+@-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, MAX_NAME)
    .replace(/-+$/, '');
}
