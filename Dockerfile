# syntax=docker/dockerfile:1
#
# kefu-hub: one image, three roles (see docs/deployment.md).
#   docker run ... kefu-hub                                     -> api + workers in one process
#   docker run ... kefu-hub node --import tsx src/main.ts api     -> HTTP only
#   docker run ... kefu-hub node --import tsx src/main.ts worker  -> queue workers only
#   docker run ... kefu-hub node --import tsx scripts/migrate.ts  -> apply migrations and exit
#
# The code runs from TypeScript source through tsx (a production dependency), so there is no
# build step: the runtime image is the production node_modules plus the source tree.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: the widget and the agent console, bundled with the dev dependencies -----------------
# (esbuild; Vite, React and Ant Design for the console). `npm ci` runs the prepare script, which
# builds both (widget/dist, console/dist); the console's API types are generated from src/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# python3/make/g++ let node-gyp build an addon from source when no prebuilt binary matches the
# platform (e.g. a new Node ABI or an unusual arch).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY widget ./widget
COPY console ./console
RUN npm ci --no-audit --no-fund

# --- deps: production node_modules, built where native addons can compile -------------------
FROM build AS deps
# The bundles come from the build stage: here the prepare script (which needs the dev
# dependencies) is skipped, and `npm rebuild` runs the dependencies' own install scripts.
RUN rm -rf node_modules \
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild \
 && npm cache clean --force
# The thesaurus's dictionary parsed once, here, into node_modules/.cache/kefu-hub: the service
# cannot write there at run time (read-only files, below), and would parse it at every start
# (about a second of CPU; docs/brain.md, "a general thesaurus").
RUN node --import tsx -e "import('./src/brain/retrieval/cedict-glosses.ts').then(({ CedictGlosses }) => CedictGlosses.shared())"

# --- runtime -----------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# NODE_ENV=production: no demo (DEMO=1 brings it back), /metrics only on METRICS_PORT or with
# METRICS_TOKEN, plain-mode Official Accounts refused (docs/deployment.md, "Production defaults").
# MALLOC_MMAP_THRESHOLD_: glibc maps blocks of 1 MB or more on their own and returns them when
# freed; otherwise the knowledge index build's freed streams stay in the heap (a 500,000-chunk
# worker peaks 94 MB lower: docs/performance.md, "Brain retrieval").
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data \
    MALLOC_MMAP_THRESHOLD_=1048576
WORKDIR /app

# Files stay owned by root and read-only for the service user: a compromised process cannot
# rewrite its own code. Only DATA_DIR (embedded PGlite when DATABASE_URL is unset) is writable.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY migrations ./migrations
COPY config ./config
COPY scripts ./scripts
COPY src ./src
COPY --from=build /app/widget ./widget
COPY --from=build /app/console/dist ./console/dist
RUN mkdir -p /data && chown node:node /data

# "node" (uid 1000) ships with the official image.
USER node
VOLUME ["/data"]
EXPOSE 3000

# Liveness only (/healthz): /readyz also depends on PostgreSQL and Redis, and a container
# restarted because its database is down would not help. The slim image has no curl, so Node's
# own fetch does the probe.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# SIGTERM makes the service stop accepting, drain in-flight jobs and exit within
# SHUTDOWN_TIMEOUT_MS (default 20 s); give the container at least that long to stop
# (docker stop -t 30, compose stop_grace_period, k8s terminationGracePeriodSeconds).
# node runs directly, never under npm, so the runtime's SIGTERM reaches the process that drains.
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "src/main.ts", "all"]
