// The Dockerfile against what it packages: every COPY source exists and is not ignored, the
// entrypoint is the CLI's bin, CMD's flags pass the real CLI parser, EXPOSE is serve's port, it
// runs as non-root, and its HEALTHCHECK path is answered by the real gateway. Docker itself is not
// needed: each rule is also shown to fail on a broken copy.
import { describe, expect, it } from 'vitest';
import { checkDockerfile, healthcheckTarget, probeStatus, SERVE_DEFAULT_PORT } from './deploy-checks.js';
import { parseDockerfile, readDeployFile, readRootFile, type DockerStage } from './read-deploy-files.js';

const text = readRootFile('Dockerfile');
const dockerignore = readRootFile('.dockerignore');
const broken = (from: string, to: string): DockerStage[] => {
  expect(text).toContain(from);
  return parseDockerfile(text.replace(from, to));
};

describe('Dockerfile', () => {
  it('is consistent with the repository and the CLI', () => {
    expect(checkDockerfile(parseDockerfile(text), dockerignore)).toEqual([]);
  });

  it.each([
    ['a COPY source that does not exist', 'COPY renderer ./renderer', 'COPY webui ./renderer', /COPY source webui does not exist/],
    ['a COPY source .dockerignore excludes', 'COPY scripts ./scripts', 'COPY test ./scripts', /COPY source test is excluded by .dockerignore/],
    ['a COPY --from of an unknown stage', 'COPY --from=deps', 'COPY --from=dependencies', /names no earlier stage/],
    ['a CMD flag serve does not know', 'CMD ["serve", "--host", "0.0.0.0"]', 'CMD ["serve", "--bind", "0.0.0.0"]', /Dockerfile CMD: .*refused/],
    ['a CMD bound to loopback', 'CMD ["serve", "--host", "0.0.0.0"]', 'CMD ["serve"]', /binds 127\.0\.0\.1/],
    ['an EXPOSE that is not serve\'s port', 'EXPOSE 4141', 'EXPOSE 8080', /EXPOSE 8080 is not the port serve listens on \(4141\)/],
    ['a CMD port that EXPOSE does not match', 'CMD ["serve", "--host", "0.0.0.0"]', 'CMD ["serve", "--host", "0.0.0.0", "--port", "4000"]', /EXPOSE 4141 is not the port serve listens on \(4000\)/],
    ['an entrypoint that is not copied', 'ENTRYPOINT ["node", "/app/bin/switchboard.js"]', 'ENTRYPOINT ["node", "/app/cli.js"]', /entrypoint \/app\/cli.js is not a file the image copies/],
    ['no bundle beside the entrypoint', 'COPY --from=build /app/dist/main/switchboard.mjs', 'COPY --from=build /app/dist/main/cli.js', /does not hold \/app\/dist\/main\/switchboard.mjs/],
    ['a worker thread bundle left out', ' /app/dist/main/gateway-worker.mjs', '', /does not hold \/app\/dist\/main\/gateway-worker.mjs, which the build bundles/],
    ['root at run time', 'USER node', 'USER root', /runs as root/],
    ['another base image', 'FROM node:20-bookworm-slim AS deps', 'FROM node:22-alpine AS deps', /stage deps is FROM node:22-alpine/],
    ['no production-only install', 'npm ci --omit=dev', 'npm ci', /production dependencies/],
    ['a data dir that is not a volume', 'VOLUME ["/data"]', 'VOLUME ["/var/lib/data"]', /SWITCHBOARD_DATA_DIR is not a VOLUME/],
    ['an ENV name Switchboard does not read', 'SWITCHBOARD_LOG_FORMAT=json', 'SWITCHBOARD_LOGFORMAT=json', /ENV SWITCHBOARD_LOGFORMAT is not read/],
  ])('finds %s', (_name, from, to, problem) => {
    expect(checkDockerfile(broken(from, to), dockerignore).join('\n')).toMatch(problem);
  });

  it('checks its HEALTHCHECK against the real gateway: the path answers 200 on the exposed port from 127.0.0.1, a wrong one would not', async () => {
    const target = healthcheckTarget(parseDockerfile(text));
    expect(target).toEqual({ path: '/health/liveliness', port: SERVE_DEFAULT_PORT });
    const config = readDeployFile('config.yaml');
    const env = { SWITCHBOARD_MASTER_KEY: 'sk-change-me-0123456789', DATABASE_URL: 'postgresql://u:change-me@postgres/db', OPENAI_API_KEY: 'sk-change-me' };
    expect(await probeStatus(target!.path, `127.0.0.1:${target!.port}`, env, config)).toBe(200);
    expect(await probeStatus('/health/liveness-typo', `127.0.0.1:${target!.port}`, env, config)).not.toBe(200);
  });
});
