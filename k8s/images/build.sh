#!/usr/bin/env bash
# Builds the container images as OCI tarballs with Jib: no Docker daemon needed, but the base images must be
# reachable (Docker Hub for apache/spark, registry.access.redhat.com for the gateway's base). Opt-in: this
# is not part of ./mvnw verify.
#
#   k8s/images/build.sh [gateway|spark-apps|all] [extra Maven args, e.g. -Dimage.name=registry/x:tag with one image]
#   -> k8s/images/<name>/target/<name>-image.tar ; load it with `docker load`, `podman load`,
#      `ctr -n k8s.io images import`, or push it with `crane push` / `skopeo copy docker-archive:...`.
#
# Replace jib:buildTar by jib:build (-Dimage.name=your.registry/...) to push straight to a registry.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
what="${1:-all}"; shift || true
mvnw="$root/mvnw"

if [[ "$what" == gateway || "$what" == all ]]; then
  "$mvnw" -q -f "$root/pom.xml" -pl ingest-gateway -am install -DskipTests
  "$mvnw" -f "$root/k8s/images/gateway/pom.xml" package jib:buildTar "$@"
fi
if [[ "$what" == spark-apps || "$what" == all ]]; then
  "$mvnw" -q -f "$root/pom.xml" -pl spark-apps -am install -DskipTests
  "$mvnw" -f "$root/k8s/images/spark-apps/pom.xml" package jib:buildTar "$@"
fi
