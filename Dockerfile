# syntax=docker/dockerfile:1
# One image per app: docker build --build-arg APP=client-gateway (or station-server) .
FROM node:20-alpine AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json ./
COPY apps ./apps
COPY libs ./libs
ARG APP=client-gateway
RUN npx nest build "${APP}"

FROM node:20-alpine AS runtime
ARG APP=client-gateway
ENV NODE_ENV=production \
    APP=${APP} \
    HEALTH_PORT=9100 \
    LOG_FORMAT=json
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist/apps/${APP} ./dist
COPY apps/station-server/data ./data
COPY scripts/healthcheck.mjs ./healthcheck.mjs
USER node
# docker-compose.yml adds a start period for the first start.
HEALTHCHECK --interval=10s --timeout=5s --retries=3 CMD ["node", "healthcheck.mjs"]
CMD ["node", "dist/main.js"]
