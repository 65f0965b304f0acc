# syntax=docker/dockerfile:1
# One Dockerfile, three targets: `server` (API + built web app), `chain` (a Hardhat node),
# and `build` (everything compiled), used by docker-compose.yml.

FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY server/package.json server/
COPY web/package.json web/
COPY contracts/package.json contracts/
# npm install, not npm ci: see ../shared/TOOLCHAIN.md (optional native packages per platform).
RUN npm install --no-audit --no-fund

FROM deps AS build
COPY . .
RUN node scripts/build.mjs --force && npm run build -w contracts

FROM build AS chain
WORKDIR /app/contracts
EXPOSE 8545
# The node, then the contracts deployed into it (at the committed deployments/31337.json
# addresses: a fresh node's deployer nonces are always the same); /tmp/deployed marks it healthy.
CMD ["sh", "-c", "npx hardhat node --hostname 0.0.0.0 & node=$!; until npx hardhat run --network localhost scripts/deploy.ts; do sleep 1; done && touch /tmp/deployed; wait $node"]

FROM node:22-bookworm-slim AS server
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
WORKDIR /app
COPY package.json package-lock.json ./
COPY server/package.json server/
RUN npm install --omit=dev --workspace server --include-workspace-root=false --no-audit --no-fund \
  && npm cache clean --force
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/web/dist web/dist
# Where the chain indexer finds the contracts (CHAIN_DEPLOYMENTS_FILE's default).
COPY --from=build /app/contracts/deployments contracts/deployments
USER node
EXPOSE 4000
CMD ["node", "server/dist/main.js"]
