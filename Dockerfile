# Sluice's API and worker image. Temporal runs as its own service (see docker-compose.yml), so the image skips
# the embedded dev server's CLI and ships the pre-built workflow bundle.
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV SLUICE_SKIP_TEMPORAL_CLI=1
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    SLUICE_DATA_DIR=/data \
    API_HOST=0.0.0.0 \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# A named volume mounted here inherits this ownership on first use.
RUN mkdir /data && chown node:node /data
USER node
EXPOSE 3000
CMD ["node", "dist/src/bin/api.js"]
