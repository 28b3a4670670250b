# The image every pod of Rafiki's runs (deploy/kubernetes/): the Admin, the
# Advisor, and the workers and frontends the Admin places, which start
# `bun src/worker/remote-runner.ts` in it. Its working directory is the
# project's root. Build from the repository's root:
#   docker build -t rafiki:dev .

# npm ci needs Node.js; it builds the dashboard (`prepare`) with the pinned Bun
# from node_modules. onnxruntime-node's install script would fetch CUDA
# libraries the workers do not use (npm 10 does not honour allowScripts).
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json tsconfig.json bunfig.toml ./
COPY bin bin
COPY scripts scripts
COPY src src
COPY models models
RUN npm ci && npm prune --omit=dev

# The same Bun as package.json's pin. bubblewrap lets the Admin sandbox the
# checks and installs it runs itself, where the cluster allows user namespaces.
FROM oven/bun:1.4.5-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
ENV NODE_ENV=production
USER 65534:65534
EXPOSE 3000 3002
CMD ["bun", "scripts/start.ts"]
