#!/usr/bin/env bash
# Refreshes the vendored front-end files in internal/web/static/vendor/ from the
# npm packages htmx.org and echarts, and the accessibility checker the browser
# tests inject into pages, axe-core, in e2e/testdata/axe/ (test-only, never
# served), each folder with the licences and a VERSIONS file (package@version
# and sha256 of every vendored file).
#
# The versions are pinned below, each with the integrity hash the npm registry
# publishes for its tarball (dist.integrity, sha512): a tarball that does not
# match is refused, so that a refresh vendors exactly the reviewed release.
#
# Usage:
#   scripts/vendor.sh           download the pinned releases, check them, vendor them
#   scripts/vendor.sh --check   check the vendored files against VERSIONS (no network)
#   scripts/vendor.sh --latest  print the newest releases and their hashes, to update the pins
#
# To move to a new release: read its hash with
#   npm view echarts@X.Y.Z dist.integrity
# set ECHARTS_VERSION and ECHARTS_INTEGRITY (or the HTMX_ or AXE_ pair), run
# this script, and check the pages that use the library (the browser tests in
# e2e/; a new axe-core release may bring new rules, which e2e/axe_test.go runs).
# htmx stays on major version 2 (htmx 4 changed its attributes and events).
set -euo pipefail

HTMX_VERSION=2.0.11
HTMX_INTEGRITY=sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==
ECHARTS_VERSION=6.1.0
ECHARTS_INTEGRITY=sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA==
AXE_VERSION=4.14.1
AXE_INTEGRITY=sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/internal/web/static/vendor"
axedest="$root/e2e/testdata/axe"

case "${1:-}" in
--check)
  bad=0
  for d in "$dest" "$axedest"; do
    while read -r f spec sum; do
      case "$f" in ''|'#'*) continue ;; esac
      if [ ! -f "$d/$f" ] || [ "$(sha256sum "$d/$f" | cut -d' ' -f1)" != "$sum" ]; then
        echo "vendor.sh: ${d#"$root"/}/$f does not match VERSIONS ($spec)" >&2
        bad=1
      fi
    done < "$d/VERSIONS"
  done
  grep -q "^htmx.min.js  htmx.org@$HTMX_VERSION " "$dest/VERSIONS" || { echo "vendor.sh: VERSIONS does not name htmx.org@$HTMX_VERSION" >&2; bad=1; }
  grep -q "^echarts.min.js  echarts@$ECHARTS_VERSION " "$dest/VERSIONS" || { echo "vendor.sh: VERSIONS does not name echarts@$ECHARTS_VERSION" >&2; bad=1; }
  grep -q "^axe.min.js  axe-core@$AXE_VERSION " "$axedest/VERSIONS" || { echo "vendor.sh: e2e/testdata/axe/VERSIONS does not name axe-core@$AXE_VERSION" >&2; bad=1; }
  [ "$bad" = 0 ] && echo "vendored files match VERSIONS (htmx.org@$HTMX_VERSION, echarts@$ECHARTS_VERSION, axe-core@$AXE_VERSION)"
  exit "$bad"
  ;;
--latest)
  command -v npm >/dev/null || { echo "vendor.sh: npm is required (apt-get install npm)" >&2; exit 1; }
  for spec in htmx.org@2 echarts@latest axe-core@latest; do
    v="$(npm view "$spec" version | tail -n 1 | sed "s/.* '\(.*\)'$/\1/")"
    printf '%s  %s@%s  %s\n' "$spec" "${spec%@*}" "$v" "$(npm view "${spec%@*}@$v" dist.integrity)"
  done
  echo "pinned: htmx.org@$HTMX_VERSION echarts@$ECHARTS_VERSION axe-core@$AXE_VERSION"
  exit 0
  ;;
"") ;;
*)
  echo "usage: scripts/vendor.sh [--check | --latest]" >&2
  exit 2
  ;;
esac

command -v npm >/dev/null || { echo "vendor.sh: npm is required (apt-get install npm)" >&2; exit 1; }
command -v node >/dev/null || { echo "vendor.sh: node is required (apt-get install nodejs)" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# integrity FILE: prints the npm integrity string (sha512, base64) of FILE.
integrity() {
  node -e 'const c = require("crypto"), fs = require("fs");
process.stdout.write("sha512-" + c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"))' "$1"
}

# unpack NAME VERSION INTEGRITY DIR: downloads the package tarball, refuses
# it unless its hash is INTEGRITY, and extracts it into DIR.
unpack() {
  local name="$1" version="$2" want="$3" dir="$4" tgz got
  mkdir -p "$dir"
  tgz="$(cd "$tmp" && npm pack --silent "$name@$version" | tail -n 1)"
  got="$(integrity "$tmp/$tgz")"
  if [ "$got" != "$want" ]; then
    echo "vendor.sh: $name@$version: the tarball's hash is $got, the pinned one $want; refusing it" >&2
    exit 1
  fi
  tar -xzf "$tmp/$tgz" -C "$dir"
  rm -f "$tmp/$tgz"
  local v
  v="$(node -p "require('$dir/package/package.json').version")"
  [ "$v" = "$version" ] || { echo "vendor.sh: $name@$version unpacked as version $v" >&2; exit 1; }
}

# license_of DIR: prints the path of the package's licence file.
license_of() {
  local f
  for f in "$1"/LICENSE "$1"/LICENSE.txt "$1"/LICENSE.md "$1"/license "$1"/LICENCE; do
    [ -f "$f" ] && { echo "$f"; return; }
  done
  echo "vendor.sh: no licence file in $1" >&2
  exit 1
}

unpack htmx.org "$HTMX_VERSION" "$HTMX_INTEGRITY" "$tmp/htmx"
unpack echarts "$ECHARTS_VERSION" "$ECHARTS_INTEGRITY" "$tmp/echarts"
unpack axe-core "$AXE_VERSION" "$AXE_INTEGRITY" "$tmp/axe"
h="$tmp/htmx/package"
e="$tmp/echarts/package"
a="$tmp/axe/package"

[ -f "$h/dist/htmx.min.js" ] || { echo "vendor.sh: htmx.org@$HTMX_VERSION has no dist/htmx.min.js" >&2; exit 1; }
[ -f "$e/dist/echarts.min.js" ] || { echo "vendor.sh: echarts@$ECHARTS_VERSION has no dist/echarts.min.js" >&2; exit 1; }
[ -f "$a/axe.min.js" ] || { echo "vendor.sh: axe-core@$AXE_VERSION has no axe.min.js" >&2; exit 1; }

mkdir -p "$dest"
rm -f "$dest"/htmx.min.js "$dest"/htmx.LICENSE "$dest"/echarts.min.js "$dest"/echarts.LICENSE "$dest"/echarts.NOTICE
cp "$h/dist/htmx.min.js" "$dest/htmx.min.js"
cp "$(license_of "$h")" "$dest/htmx.LICENSE"
cp "$e/dist/echarts.min.js" "$dest/echarts.min.js"
cp "$(license_of "$e")" "$dest/echarts.LICENSE"
[ -f "$e/NOTICE" ] && cp "$e/NOTICE" "$dest/echarts.NOTICE"

hv="htmx.org@$HTMX_VERSION"
ev="echarts@$ECHARTS_VERSION"

{
  echo "# Vendored front-end files. Refresh with scripts/vendor.sh; do not edit by hand."
  echo "# tarball  $hv  $HTMX_INTEGRITY"
  echo "# tarball  $ev  $ECHARTS_INTEGRITY"
  echo "# file  package@version  sha256"
  cd "$dest"
  for f in htmx.min.js htmx.LICENSE; do
    printf '%s  %s  %s\n' "$f" "$hv" "$(sha256sum "$f" | cut -d' ' -f1)"
  done
  for f in echarts.min.js echarts.LICENSE echarts.NOTICE; do
    [ -f "$f" ] || continue
    printf '%s  %s  %s\n' "$f" "$ev" "$(sha256sum "$f" | cut -d' ' -f1)"
  done
} > "$dest/VERSIONS"

av="axe-core@$AXE_VERSION"
mkdir -p "$axedest"
rm -f "$axedest"/axe.min.js "$axedest"/axe.LICENSE
cp "$a/axe.min.js" "$axedest/axe.min.js"
cp "$(license_of "$a")" "$axedest/axe.LICENSE"
{
  echo "# The accessibility checker the browser tests inject (test-only, never served)."
  echo "# Refresh with scripts/vendor.sh; do not edit by hand."
  echo "# tarball  $av  $AXE_INTEGRITY"
  echo "# file  package@version  sha256"
  cd "$axedest"
  for f in axe.min.js axe.LICENSE; do
    printf '%s  %s  %s\n' "$f" "$av" "$(sha256sum "$f" | cut -d' ' -f1)"
  done
} > "$axedest/VERSIONS"

echo "vendored $hv and $ev into ${dest#"$root"/}, $av into ${axedest#"$root"/}"
