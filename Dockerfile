# syntax=docker/dockerfile:1
# podgate's container image: the single executable (`npm run build:binary`: podgate bundled into the
# Node.js LTS it runs on) alone on distroless cc (glibc and libstdc++, no shell, no package manager).
# Runs as 65532:65532 and writes nothing outside its mounted volumes, so readOnlyRootFilesystem holds.
#
#   docker build -t podgate:0.2.0 .        # or: buildah bud -t podgate:0.2.0 .  /  podman build ...
#
# deploy/base names the image podgate:0.2.0 through kustomize `images:`; retag there.

# Build stage: any Node that runs npm will do; the binary carries the LTS that scripts/lts-node.mjs
# fetches from the npm registry, whatever this stage's Node is.
FROM docker.io/library/node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/ scripts/
COPY src/ src/
RUN npm run build:binary \
 && mkdir -p /out \
 && cp dist/podgate-linux-x64 /out/podgate

# Runtime stage.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build --chown=0:0 --chmod=0755 /out/podgate /usr/local/bin/podgate
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/podgate"]
CMD ["--help"]
