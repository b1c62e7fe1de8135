#!/usr/bin/env bash
# The Kubernetes manifests, checked without a cluster (CTest: k8s_manifests_test):
#   test/deploy/k8s_manifests_test.sh SOURCE_DIR WORK_DIR
# 1. deploy/k8s/base/kyb.conf is config/kyb.conf (kustomize reads no file outside its folder).
# 2. No Secret manifest is committed under deploy/.
# 3. Every kustomization under deploy/k8s renders with `kubectl kustomize`, and every
#    rendered manifest passes validate.js (Kubernetes schemas via kubernetes-models, then
#    probes, resources, non-root, pinned images, Secrets by reference, ports, drain time);
#    each deployable overlay also holds the namespace, quota, default deny, ...
# 4. Each check can fail: every break of break.js applied to a rendered overlay, and a
#    changed kyb.conf copy and a committed Secret, must be refused with the expected reason.
# The validator's npm packages are installed from the committed lockfile (npm ci) into
# WORK_DIR, once per lockfile; the product itself uses no npm.
set -euo pipefail

SRC=$(cd "$1" && pwd)
WORK=$2
TOOLS="$SRC/test/deploy/k8s-validate"
KUBECTL=${KUBECTL:-kubectl}
failures=0
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }

for tool in "$KUBECTL" node npm; do
  command -v "$tool" >/dev/null ||
    { echo "FAIL: $tool is not installed (deploy/packages.txt; deploy/local/kyb installs it)"; exit 1; }
done

# --- the validator's packages ---------------------------------------------------------------
mkdir -p "$WORK/npm"
lock_sum=$(sha256sum "$TOOLS/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$WORK/npm/.installed" 2>/dev/null || true)" != "$lock_sum" ]; then
  cp "$TOOLS/package.json" "$TOOLS/package-lock.json" "$WORK/npm/"
  (cd "$WORK/npm" && npm ci --no-audit --no-fund --loglevel=error --cache "$WORK/npm-cache") ||
    { echo "FAIL: npm ci of $TOOLS/package-lock.json"; exit 1; }
  echo "$lock_sum" >"$WORK/npm/.installed"
fi
MODULES="$WORK/npm/node_modules"
validate() { node "$TOOLS/validate.js" --modules "$MODULES" "$@"; }

# --- 1. the configuration copy ---------------------------------------------------------------
same_config() { # CONFIG COPY
  cmp -s "$1" "$2" || { echo "$2 differs from $1: cp $1 $2"; return 1; }
}
same_config "$SRC/config/kyb.conf" "$SRC/deploy/k8s/base/kyb.conf" || fail "kyb.conf copy"

# --- 2. no committed Secret --------------------------------------------------------------------
no_secret_files() { # DIR
  local hits
  hits=$(grep -rlE --include='*.yaml' --include='*.yml' '^kind:[[:space:]]*Secret[[:space:]]*$' "$1" || true)
  [ -z "$hits" ] || { echo "Secret manifests committed (reference Secrets, never commit them): $hits"; return 1; }
}
no_secret_files "$SRC/deploy" || fail "committed Secret"

# --- 3. render and validate every kustomization --------------------------------------------
rm -rf "$WORK/rendered" && mkdir -p "$WORK/rendered"
overlays=()
while IFS= read -r k; do
  dir=$(dirname "$k")
  rel=${dir#"$SRC/deploy/k8s/"}
  out="$WORK/rendered/${rel//\//_}.yaml"
  if ! "$KUBECTL" kustomize "$dir" >"$out" 2>"$out.err"; then
    cat "$out.err"
    fail "kubectl kustomize $rel"
    continue
  fi
  echo "rendered $rel: $(grep -c '^kind:' "$out") manifests"
  if [ "$rel" = base ]; then
    validate "$out" || fail "validate $rel"
  else
    overlays+=("$rel")
    validate --overlay "$out" || fail "validate $rel"
  fi
done < <(find "$SRC/deploy/k8s" -name kustomization.yaml | sort)
for want in overlays/staging overlays/production regions/us-east-1 regions/us-west-2 regions/eu-west-1; do
  printf '%s\n' "${overlays[@]}" | grep -qx "$want" || fail "overlay $want is missing"
done
region_of() { # RENDERED FILE -> KYB_NODE_REGION
  grep -A1 'name: KYB_NODE_REGION' "$1" | sed -n 's/^ *value: *//p'
}
for r in us-east-1 us-west-2 eu-west-1; do
  [ "$(region_of "$WORK/rendered/regions_$r.yaml")" = "$r" ] || fail "regions/$r does not set node.region $r"
  grep -q 'name: KYB_REGIONS_DATABASES' "$WORK/rendered/regions_$r.yaml" ||
    fail "regions/$r does not set regions.databases"
done

# The image is the project's version (CMakeLists.txt), as deploy/Dockerfile tags it.
version=$(sed -n 's/^project(kyb_platform VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
[ -n "$version" ] || fail "no project version in CMakeLists.txt"
for rel in "${overlays[@]}"; do
  grep -q "image: kyb/kyb-node:$version\$" "$WORK/rendered/${rel//\//_}.yaml" ||
    fail "$rel does not run kyb/kyb-node:$version (the project version)"
done
grep -q "kyb/kyb-node:$version" "$SRC/deploy/Dockerfile" ||
  fail "deploy/Dockerfile does not build kyb/kyb-node:$version"

# --- 4. every check can fail -------------------------------------------------------------------
mkdir -p "$WORK/rendered/broken"
node "$TOOLS/break.js" --modules "$MODULES" --all "$WORK/rendered/overlays_staging.yaml" \
  "$WORK/rendered/broken" >"$WORK/rendered/breaks.tsv"
out=$(validate --overlay "$WORK/rendered/broken/"*.yaml || true)
while IFS=$'\t' read -r name expect; do
  said=$(grep -F -- "/broken/$name.yaml: " <<<"$out" || true)
  if [ -z "$said" ] || grep -q ' manifests valid$' <<<"$said"; then
    fail "break $name passed validation"
  elif ! grep -qF -- "$expect" <<<"$said"; then
    echo "$said"
    fail "break $name: refused without '$expect'"
  else
    echo "break $name: refused ($expect)"
  fi
done <"$WORK/rendered/breaks.tsv"

tmp="$WORK/rendered/selfcheck"
mkdir -p "$tmp"
{ cat "$SRC/config/kyb.conf"; echo "# changed"; } >"$tmp/kyb.conf"
if same_config "$SRC/config/kyb.conf" "$tmp/kyb.conf" >/dev/null; then
  fail "a changed kyb.conf copy passed"
else
  echo "break kyb.conf copy: refused"
fi
printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: kyb-database\nstringData:\n  url: x\n' \
  >"$tmp/secret.yaml"
if no_secret_files "$tmp" >/dev/null; then
  fail "a committed Secret passed"
else
  echo "break committed Secret: refused"
fi

if [ "$failures" -gt 0 ]; then
  echo "k8s_manifests_test: $failures failure(s)"
  exit 1
fi
echo "k8s_manifests_test: every overlay renders and validates; every check refuses its break"
