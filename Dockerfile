# auto-testing as a container: docker build -t auto-testing . && docker run --rm auto-testing --help
# Results: docker run --rm -v "$PWD/results:/app/results" auto-testing --endpoint URL --model M
# Stage 1 compiles TypeScript with the dev dependencies; the runtime stage holds only production
# dependencies, the compiled dist/src and the data files the commands read (workloads/: the prompt
# corpus and the shipped workload files; leaderboard_data/: the template), and runs as the non-root
# user. Node 24 is the maintained LTS line with the longest support left (package.json `engines` also
# admits 20.19+ and 22.12+). test/e2e/install-tree.test.ts assembles what this file copies and runs from it.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied.
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY workloads ./workloads
COPY leaderboard_data ./leaderboard_data
# the default --results-dir (./results) must be writable by the user the tool runs as
RUN mkdir results && chown node:node results
USER node
ENTRYPOINT ["node", "/app/dist/src/cli/main.js"]
