# Build: docker build -t istio-registry-bridge .
# The image holds exactly what `npm install istio-registry-bridge` gives a user:
# the build stage packs the package (npm pack) and installs the tarball with
# production dependencies only (scripts/pack-install.sh, which CI runs too:
# test/deploy/package.int.test.ts checks this file against that layout).
FROM node:24-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json README.md ./
COPY src ./src
COPY proto ./proto
COPY examples ./examples
COPY scripts/pack-install.sh scripts/bundle.mjs ./scripts/
RUN npm run build && bash scripts/pack-install.sh /opt/registry-bridge

FROM node:24-slim
ENV NODE_ENV=production
# V8's young generation capped at 8 MB per semi-space: Node 24 lets it grow to
# 64 MB, and a bridge serving a 10,000-service file then sat at about 420 MB of
# RSS (293 MB with this; docs/performance.md). If you set NODE_OPTIONS
# yourself, keep this flag in it. The bench runs the bridge with this line.
ENV NODE_OPTIONS="--max-semi-space-size=8"
ENV PATH=/opt/registry-bridge/node_modules/.bin:$PATH
COPY --from=build /opt/registry-bridge /opt/registry-bridge
WORKDIR /opt/registry-bridge
# The image's "node" user, by number (Kubernetes' runAsNonRoot can verify it).
# Nothing is written at run time: the root filesystem may be read-only.
USER 1000:1000
EXPOSE 15051 15052
ENTRYPOINT ["registry-bridge"]
CMD ["serve", "--config", "/etc/registry-bridge/config.yaml"]
