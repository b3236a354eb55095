#!/usr/bin/env bash
# Refreshes the vendored front-end files in internal/web/static/vendor/ from the
# npm packages htmx.org and echarts, with their licences and a VERSIONS file
# (package@version and sha256 of every vendored file).
#
# Usage: scripts/vendor.sh [htmx-spec] [echarts-spec]
#   defaults: htmx.org@2 echarts@6
set -euo pipefail

HTMX_SPEC="${1:-htmx.org@2}"
ECHARTS_SPEC="${2:-echarts@6}"

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/internal/web/static/vendor"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

command -v npm >/dev/null || { echo "vendor.sh: npm is required (apt-get install npm)" >&2; exit 1; }

# unpack SPEC DIR: downloads the package tarball and extracts it into DIR.
unpack() {
  local spec="$1" dir="$2" tgz
  mkdir -p "$dir"
  tgz="$(cd "$tmp" && npm pack --silent "$spec" | tail -n 1)"
  tar -xzf "$tmp/$tgz" -C "$dir"
  rm -f "$tmp/$tgz"
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

version_of() { node -p "require('$1/package.json').version"; }
name_of() { node -p "require('$1/package.json').name"; }

unpack "$HTMX_SPEC" "$tmp/htmx"
unpack "$ECHARTS_SPEC" "$tmp/echarts"
h="$tmp/htmx/package"
e="$tmp/echarts/package"

[ -f "$h/dist/htmx.min.js" ] || { echo "vendor.sh: $HTMX_SPEC has no dist/htmx.min.js" >&2; exit 1; }
[ -f "$e/dist/echarts.min.js" ] || { echo "vendor.sh: $ECHARTS_SPEC has no dist/echarts.min.js" >&2; exit 1; }

mkdir -p "$dest"
rm -f "$dest"/htmx.min.js "$dest"/htmx.LICENSE "$dest"/echarts.min.js "$dest"/echarts.LICENSE "$dest"/echarts.NOTICE
cp "$h/dist/htmx.min.js" "$dest/htmx.min.js"
cp "$(license_of "$h")" "$dest/htmx.LICENSE"
cp "$e/dist/echarts.min.js" "$dest/echarts.min.js"
cp "$(license_of "$e")" "$dest/echarts.LICENSE"
[ -f "$e/NOTICE" ] && cp "$e/NOTICE" "$dest/echarts.NOTICE"

hv="$(name_of "$h")@$(version_of "$h")"
ev="$(name_of "$e")@$(version_of "$e")"

{
  echo "# Vendored front-end files. Refresh with scripts/vendor.sh; do not edit by hand."
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

echo "vendored $hv and $ev into ${dest#"$root"/}"
