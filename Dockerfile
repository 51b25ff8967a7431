# The hub's image: the same image runs the web server (default) and the BullMQ workers (`command: worker`).
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# .npmrc skips install scripts (for offline machines); here, with internet, let mediasoup fetch or build its worker.
RUN npm ci --no-audit --no-fund && npm rebuild mediasoup --ignore-scripts=false
COPY . .
RUN npx tsx scripts/api-types.ts && npx vite build --config client/vite.config.ts

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app /app
EXPOSE 3000
ENTRYPOINT ["/bin/sh", "-c", "if [ \"$1\" = worker ]; then exec node_modules/.bin/tsx workers/main.ts; else exec node_modules/.bin/tsx server/main.ts; fi", "--"]
CMD ["web"]
