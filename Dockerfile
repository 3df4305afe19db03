# syntax=docker/dockerfile:1
# Switchboard's headless gateway (`switchboard serve`) as a container, for team mode: several
# replicas on one PostgreSQL database (deploy/compose.yaml, deploy/k8s/). Runs as a non-root user
# and never bakes a secret into the image: the admin key and DATABASE_URL come from the
# environment at run time. Guide: docs/team-mode.md.

# --- build: the CLI bundle (dist/main/switchboard.mjs) and the dashboard (dist/renderer) ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the root `prepare` script builds, which needs the sources copied below, and
# the build needs no native module (Electron's download and keytar are desktop-only).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json tsconfig.main.json vite.config.ts ./
COPY scripts ./scripts
COPY shared ./shared
COPY main ./main
COPY renderer ./renderer
RUN npm run build

# --- deps: production dependencies only, better-sqlite3 compiled for this image's Node ---
FROM node:20-bookworm-slim AS deps
# Only for better-sqlite3, when no prebuilt binary matches this Node and architecture.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# keytar is left unbuilt on purpose: a container has no OS keychain, so provider keys come
# from os.environ/NAME references (keychain/NAME is a desktop feature).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 \
 && npm cache clean --force

# --- runtime ---
FROM node:20-bookworm-slim
# MALLOC_ARENA_MAX: glibc gives each thread that allocates (worker threads, libuv's pool) an arena
# of its own and keeps what fragments there; two arenas kept the gateway's RSS flat under load
# (a probe of 18,000 requests: 123-125 MB instead of 133-143 MB and growing, issue 18). `serve`
# sets the same limit itself at run time (main/limit-malloc-arenas.ts), after node's own threads
# took theirs; set here, glibc applies it from the process's first allocation.
ENV NODE_ENV=production \
    SWITCHBOARD_DATA_DIR=/data \
    SWITCHBOARD_LOG_FORMAT=json \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
# The CLI bundle (ESM, and the CommonJS copy with the V8 code cache the build made for this image's
# Node: a faster start) and the worker threads' own bundles (the usage writer, the caller lookups).
COPY --from=build /app/dist/main/switchboard.mjs /app/dist/main/switchboard.mjs.map /app/dist/main/switchboard.cjs /app/dist/main/switchboard.cjs.cache /app/dist/main/gateway-worker.mjs ./dist/main/
COPY --from=build /app/dist/renderer ./dist/renderer
COPY package.json ./
COPY bin ./bin
# The data directory (the SQLite file when no DATABASE_URL is given; gateway.json for the other
# commands) belongs to the unprivileged user the image runs as (uid 1000, "node").
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
VOLUME ["/data"]
EXPOSE 4141
# Liveness only (readiness is the orchestrator's business): node's fetch, no curl in the image.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.SWITCHBOARD_PORT || 4141) + '/health/liveliness').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/switchboard.js"]
# 0.0.0.0 so the load balancer can reach it; serve refuses that without an admin key
# (SWITCHBOARD_MASTER_KEY). The port is serve's default, 4141 (SWITCHBOARD_PORT to change it).
CMD ["serve", "--host", "0.0.0.0"]
