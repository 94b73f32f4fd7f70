# syntax=docker/dockerfile:1
# Node.js 26 (the current Active LTS) on Debian trixie slim, pinned by digest: bump the digest with the tag
# (Renovate / Dependabot do), never run an unpinned base. The build stage has the compilers better-sqlite3 may
# need; the image that runs has none of them, no npm cache and no dev dependencies.
ARG NODE_IMAGE=node:26-trixie-slim@sha256:ffc78385a788964bb3cbab5e434ff79a10bdc25b8ae6db03fe5fe6cb14053c09

FROM ${NODE_IMAGE} AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && chmod +x dist/cli.js && npm prune --omit=dev && npm cache clean --force

FROM ${NODE_IMAGE}
LABEL org.opencontainers.image.title="aws-mfa-bot" \
      org.opencontainers.image.description="Slack ChatOps bot that gets AWS IAM users onto MFA and keeps their access keys fresh" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/your-org/aws-mfa-bot" \
      org.opencontainers.image.base.name="docker.io/library/node:26-trixie-slim"
# Fewer malloc arenas: the bot is I/O-bound, and glibc's per-thread arenas kept ~40 MiB of freed memory in a
# 5,000-user scan (bench/process). Node sizes its heap from the container's memory limit by itself.
ENV NODE_ENV=production MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml ./
COPY docs ./docs
RUN ln -s /app/dist/cli.js /usr/local/bin/aws-mfa-bot && mkdir -p /app/data && chown node:node /app/data
# The default DATABASE_URL (sqlite:./data/aws-mfa-bot.db) lives here: mount a volume to keep it.
VOLUME /app/data
USER node
EXPOSE 3000 9100
# /healthz answers as soon as the process listens, before Slack and AWS are checked (that is /readyz).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["aws-mfa-bot"]
CMD ["start"]
