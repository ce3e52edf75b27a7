#!/usr/bin/env bash
# Regenerates the single initial migration from db/schema.ts (nothing has been deployed yet).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf db/migrations
npx drizzle-kit generate --name init >/dev/null
echo "db/migrations regenerated from db/schema.ts"
