# syntax=docker/dockerfile:1
# Sidecar Fleet's container image: Next's standalone server on a slim Node 20, as a non-root user,
# made to run with a read-only root filesystem (only /tmp, an emptyDir in the chart, is written).
#
#   docker build -t REGISTRY/sidecar-fleet:0.1.0 .
#
# CI builds no image (no container engine there); tools/deploy/image.ts reads this file's final
# stage (WORKDIR, ENV, USER, CMD) and starts the same layout (scripts/image-layout.mjs) the same way.

ARG NODE_IMAGE=node:20-bookworm-slim

# Dependencies, from the lock file only (cached until it changes).
FROM ${NODE_IMAGE} AS deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# The build: next build (output: 'standalone'), then the runtime tree in /image/app.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /src/node_modules ./node_modules
COPY . .
RUN npx next build && node scripts/image-layout.mjs /image

# The runtime: node and the standalone server, nothing else. npm, npx, corepack and yarn go:
# nothing installs or builds at runtime.
FROM ${NODE_IMAGE} AS runtime
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
WORKDIR /app
# KEEP_ALIVE_TIMEOUT (Next's standalone server): idle connections outlive those of what stands in
# front (ingress-nginx and cloud load balancers keep theirs 60 s), so the client side always closes
# first. Node's 5 s default lets a request reach a connection the server is closing: a 502 behind a
# proxy, "other side closed" for a direct client.
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    SIDECAR_FLEET_HOST=0.0.0.0 \
    NEXT_MANUAL_SIG_HANDLE=true \
    KEEP_ALIVE_TIMEOUT=65000
# Owned by root and not writable by the user the server runs as.
COPY --from=build /image/app /app
# The image's own `node` user (uid 1000), by number so Kubernetes' runAsNonRoot can check it.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server.js"]
