#!/usr/bin/env bash
# Builds the real control plane's upstream commands from the Go modules pinned beside this script
# (one module per upstream project, so each resolves its dependencies exactly as upstream does),
# and caches the binaries outside the repository, keyed by the module files, the Go version and
# the build flags: a machine builds each set once.
#
#   tools/real-cluster/build.sh [module ...]      # default: every module; prints the bin directory
#
# SIDECAR_FLEET_CACHE overrides the cache root (default ~/.cache/sidecar-fleet).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache_root="${SIDECAR_FLEET_CACHE:-$HOME/.cache/sidecar-fleet}/real-cluster"
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(etcd kubernetes kruise kwok oauth2-proxy helm)

# Kruise reads the API server's version and panics on an empty one; kubectl picks its behaviour
# from its own. Every command gets the version of the Kubernetes it was built from.
k8s_version=v1.32.10
ldflags_for() {
  local pkg=k8s.io/component-base/version
  echo "-s -w -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=32 -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
}

# The upstream modules' checksums are pinned in each go.sum; the checksum database is only needed
# to add a module, and the mirror here does not serve it for every module.
export GOSUMDB=off GOFLAGS=-mod=readonly CGO_ENABLED=0

bindir_all="$cache_root/bin"
mkdir -p "$bindir_all"
for mod in "${modules[@]}"; do
  dir="$here/$mod"
  [ -f "$dir/go.mod" ] || { echo "build.sh: no module $mod" >&2; exit 2; }
  key=$( (cat "$dir/go.mod" "$dir/go.sum"; go env GOVERSION; ldflags_for) | sha256sum | cut -c1-16)
  out="$cache_root/$mod-$key"
  if [ -f "$out/.complete" ]; then
    echo "real-cluster: $mod cached ($out)" >&2
  else
    started=$(date +%s)
    rm -rf "$out" && mkdir -p "$out"
    echo "real-cluster: building $mod: $(cd "$dir" && go list tool | tr '\n' ' ')" >&2
    # `tool` is the pattern of every command the module's go.mod names in its tool directives.
    (cd "$dir" && go build -trimpath -ldflags "$(ldflags_for)" -o "$out/" tool)
    # A main package at a module root named .../v3 builds as "v3"'s parent element ("server").
    [ "$mod" != etcd ] || mv "$out/server" "$out/etcd"
    touch "$out/.complete"
    echo "real-cluster: built $mod in $(( $(date +%s) - started )) s" >&2
  fi
  for f in "$out"/*; do ln -sfn "$f" "$bindir_all/$(basename "$f")"; done
done
echo "$bindir_all"
