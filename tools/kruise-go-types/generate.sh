#!/usr/bin/env bash
# Regenerates lib/fleet/kruise-go-types.ts from the upstream Go types. The program runs in a
# scratch module that copies tools/real-cluster/kruise's go.mod and go.sum, so OpenKruise and
# k8s.io/* resolve exactly as in the kruise-manager build (from the module cache; no network when
# that build has run). This directory has no go.mod of its own for the same reason.
#
#   tools/kruise-go-types/generate.sh        # writes lib/fleet/kruise-go-types.ts
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed -e 's#^module .*#module kruise-go-types#' -e '/^tool /d' "$root/tools/real-cluster/kruise/go.mod" >"$work/go.mod"
cp "$root/tools/real-cluster/kruise/go.sum" "$work/go.sum"
cp "$here/main.go" "$work/main.go"
(cd "$work" && GOFLAGS=-mod=mod GOSUMDB=off go run .) >"$root/lib/fleet/kruise-go-types.ts"
npx --prefix "$root" biome format --write "$root/lib/fleet/kruise-go-types.ts" >/dev/null 2>&1
echo "wrote lib/fleet/kruise-go-types.ts"
