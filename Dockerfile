# syntax=docker/dockerfile:1
# One image per app: docker build --build-arg APP=client-gateway (or station-server) .
ARG NODE_IMAGE=node:20-alpine

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json ./
COPY apps ./apps
COPY libs ./libs
ARG APP=client-gateway
RUN npx nest build "${APP}"

FROM ${NODE_IMAGE} AS runtime
ARG APP=client-gateway
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist/apps/${APP} ./dist
COPY apps/station-server/data ./data
USER node
CMD ["node", "dist/main.js"]
