# syntax=docker/dockerfile:1
# mlctl image: `mlctl serve` by default; the same image runs `mlctl drift serve`, `mlctl train`, ...
# Build from the repository root: docker build -t mlctl:dev .   (docs/DEPLOY.md)
#
# Base: node:24-slim (Node 24 LTS, Debian slim), pinned by the digest of its multi-platform index so a
# rebuild cannot silently change the runtime. Refresh it deliberately: docker buildx imagetools inspect node:24-slim
ARG NODE_IMAGE=node:24-slim@sha256:a9f5f7c91a432850b2a8a7797adf5eadb6c733ceed61167806cee7ea7fbc29df

# Stage 1: compile TypeScript. `npm ci` runs the package's prepare script (tsc), so dist/ is built here.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm ci --no-audit --no-fund

# Stage 2: runtime. Production dependencies only; no compiler, no sources, no npm cache.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the prepare script (tsc) needs dev dependencies; dist/ comes from the build stage.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY bin ./bin
# The Python loader `mlctl train` copies into every model (MLflow's python_function flavor).
COPY python/mlctl_pyfunc.py python/python_env.yaml python/requirements.txt ./python/
COPY data/processed ./data/processed
# The only writable places: /tmp and the model cache. With a read-only root filesystem mount volumes
# there (Kubernetes: emptyDir; docker run --read-only gets anonymous volumes from VOLUME).
# /var/log/mlctl and /var/lib/mlctl exist (owned by the runtime user) so volumes mounted there are writable:
# the prediction log file (PREDICTION_LOG_PATH) and the embedded registry (MLCTL_REGISTRY_DIR).
RUN mkdir -p /var/cache/mlctl /var/lib/mlctl /var/log/mlctl \
  && chown 1000:1000 /var/cache/mlctl /var/lib/mlctl /var/log/mlctl
VOLUME ["/tmp", "/var/cache/mlctl"]
# mlctl listens on 127.0.0.1 by default; in a container it must answer on every interface.
ENV PATH=/app/bin:$PATH \
    HOST=0.0.0.0 \
    DRIFT_HOST=0.0.0.0 \
    PORT=8000 \
    MODEL_CACHE_DIR=/var/cache/mlctl \
    MLCTL_REGISTRY_DIR=/var/lib/mlctl/registry \
    LOG_FORMAT=json
# uid 1000 is the base image's `node` user; numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 8000 9000
# Liveness of `mlctl serve` (process up); `mlctl drift serve` is checked on /healthz by its own probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/livez').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["mlctl"]
CMD ["serve"]
