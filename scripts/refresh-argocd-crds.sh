#!/usr/bin/env bash
# Copy Argo CD's CRDs from an argo-cd checkout into test/schemas/argocd/.
# Usage: scripts/refresh-argocd-crds.sh ARGO_CD_CHECKOUT
set -euo pipefail
src=${1:?usage: $0 ARGO_CD_CHECKOUT (a clone of github.com/argoproj/argo-cd at the release to target)}
dest="$(cd "$(dirname "$0")/.." && pwd)/test/schemas/argocd"
for kind in application appproject applicationset; do
  file="$src/manifests/crds/$kind-crd.yaml"
  [ -f "$file" ] || { echo "missing $file: is $src an argo-cd checkout?" >&2; exit 1; }
  cp "$file" "$dest/$kind-crd.yaml"
done
commit=$(git -C "$src" rev-parse HEAD 2>/dev/null || echo unknown)
version=$(cat "$src/VERSION" 2>/dev/null || echo unknown)
echo "copied Argo CD $version ($commit) CRDs into $dest; update its README.md with both"
