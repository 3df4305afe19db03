// Reads the deployment files as the consistency checks see them: the Dockerfile as a list of
// instructions grouped by stage, every YAML manifest as plain objects (the `yaml` package), and
// nginx's upstream servers. Reads only; the checks decide what is wrong (deploy-checks.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = join(import.meta.dirname, '..', '..');
export const DEPLOY = join(ROOT, 'deploy');

export interface DockerInstruction {
  keyword: string;
  /** The text after the keyword, continuations joined. */
  args: string;
  line: number;
}

export interface DockerStage {
  name: string | undefined;
  image: string;
  instructions: DockerInstruction[];
}

/** Splits a Dockerfile into stages; `\` continuations joined, comments and the parser directive dropped. */
export function parseDockerfile(text: string): DockerStage[] {
  const stages: DockerStage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.trimEnd().endsWith('\\') && i + 1 < lines.length) {
      line = line.trimEnd().slice(0, -1) + ' ';
      // Comment lines inside a continued instruction are skipped by Docker too.
      do i++;
      while (i < lines.length && /^\s*#/.test(lines[i]!));
      line += (lines[i] ?? '').trim();
    }
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (match === null) throw new Error(`Dockerfile line ${start + 1}: cannot read "${line}"`);
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!.trim();
    if (keyword === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({ image: from?.[1] ?? args, name: from?.[2], instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage === undefined) throw new Error(`Dockerfile line ${start + 1}: ${keyword} before FROM`);
    stage.instructions.push({ keyword, args, line: start + 1 });
  }
  return stages;
}

/** An exec-form (JSON array) instruction's words, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  return Array.isArray(parsed) && parsed.every((word) => typeof word === 'string') ? parsed : undefined;
}

/** `COPY [--from=x] [--chown=…] src… dest`: the flags and the paths. */
export function copyParts(args: string): { from: string | undefined; sources: string[]; dest: string } {
  const words = execForm(args) ?? args.split(/\s+/);
  const flags = words.filter((word) => word.startsWith('--'));
  const paths = words.filter((word) => !word.startsWith('--'));
  const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1), dest: paths.at(-1)! };
}

/** `ENV A=1 B=2` (and the old `ENV A 1` form) as a map. */
export function envPairs(args: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  const old = /^(\w+)\s+([^=]*)$/.exec(args);
  if (old !== null) return { [old[1]!]: old[2]!.trim() };
  for (const match of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) pairs[match[1]!] = match[2]!.replace(/^"|"$/g, '');
  return pairs;
}

/** Every document of a YAML file, refusing any parse error. */
export function parseYamlDocuments(text: string, name: string): unknown[] {
  // merge: Compose files share a service definition through `<<: *anchor` (YAML 1.1 merge keys).
  return parseAllDocuments(text, { merge: true }).map((document, index) => {
    if (document.errors.length > 0) throw new Error(`${name} document ${index + 1}: ${document.errors[0]!.message}`);
    return document.toJS() as unknown;
  });
}

export function readDeployFile(relative: string): string {
  return readFileSync(join(DEPLOY, relative), 'utf8');
}

export function readRootFile(relative: string): string {
  return readFileSync(join(ROOT, relative), 'utf8');
}

/** Every YAML file under deploy/k8s, by file name. */
export function readK8sFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(join(DEPLOY, 'k8s')).filter((file) => file.endsWith('.yaml')).sort()) files[name] = readDeployFile(join('k8s', name));
  return files;
}

/** host:port of each `server` in nginx's upstream blocks. */
export function nginxUpstreamServers(text: string): string[] {
  return [...text.matchAll(/^\s*server\s+([\w.-]+:\d+)[^;]*;/gm)].map((match) => match[1]!);
}

/** A deep copy to mutate, so a test can prove a check fails on a broken manifest. */
export function copyOf<T>(value: T): T {
  return structuredClone(value);
}
