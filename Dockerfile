# auto-testing as a container: docker build -t auto-testing . && docker run --rm auto-testing --help
# Stage 1 compiles TypeScript with the dev dependencies; the runtime stage holds only production
# dependencies, the compiled dist/ and the data files the commands read, and runs as the non-root user.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied.
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY leaderboard_data ./leaderboard_data
USER node
ENTRYPOINT ["node", "/app/dist/src/cli/main.js"]
