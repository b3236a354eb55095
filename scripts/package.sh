#!/usr/bin/env bash
# Builds the release files into dist/:
#   dist/jiceng_linux_{amd64,arm64,loong64}      static binaries (CGO_ENABLED=0)
#   dist/jiceng_VERSION_{amd64,arm64,loong64}.deb  packages (nfpm, packaging/nfpm.yaml)
#   dist/jiceng_VERSION_oci_{amd64,arm64}.tar    OCI images from scratch (buildah, packaging/Containerfile),
#                                                 only with --image and when buildah is installed
# Usage: scripts/package.sh [--image] [VERSION]   (VERSION defaults to 0.0.0+<commit>)
set -euo pipefail
cd "$(dirname "$0")/.."

image=0
if [ "${1:-}" = "--image" ]; then
  image=1
  shift
fi
commit="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
version="${1:-0.0.0+${commit:0:12}}"
case "$version" in
[0-9]*) ;;
*) echo "VERSION must start with a digit (Debian versions do): $version" >&2; exit 2 ;;
esac

mkdir -p dist
# One build per CPU of the 信创 machines: x86-64 (海光, 兆芯), arm64 (鲲鹏,
# 飞腾), loong64 (龙芯). The binary is pure Go, so each is a cross build.
for arch in amd64 arm64 loong64; do
  CGO_ENABLED=0 GOOS=linux GOARCH="$arch" go build -trimpath \
    -ldflags "-s -w -X main.version=$version -X main.commit=$commit" \
    -o "dist/jiceng_linux_$arch" ./cmd/jiceng
  echo "dist/jiceng_linux_$arch"
done

go -C tools/pkg build -o "$PWD/dist/.nfpm" github.com/goreleaser/nfpm/v2/cmd/nfpm
for arch in amd64 arm64 loong64; do
  out="dist/jiceng_${version}_$arch.deb"
  rm -f "$out"
  mkdir -p dist/pkg
  cp "dist/jiceng_linux_$arch" dist/pkg/jiceng
  ARCH="$arch" VERSION="$version" dist/.nfpm package --config packaging/nfpm.yaml --packager deb --target "$out" >/dev/null
  echo "$out"
done

if [ "$image" = 1 ]; then
  command -v buildah >/dev/null || { echo "--image needs buildah: apt-get install buildah" >&2; exit 1; }
  # vfs storage in a directory of our own: no daemon, no overlay mounts.
  store="$(mktemp -d)"
  trap 'rm -rf "$store"' EXIT
  b=(buildah --root "$store/root" --runroot "$store/run" --storage-driver vfs)
  tag="${version//+/-}" # an image tag has no +
  for arch in amd64 arm64; do
    out="dist/jiceng_${version}_oci_$arch.tar"
    rm -f "$out"
    "${b[@]}" build --quiet --arch "$arch" --os linux --build-arg "BIN=dist/jiceng_linux_$arch" \
      -f packaging/Containerfile -t "jiceng:$tag-$arch" . >/dev/null
    "${b[@]}" push --quiet "jiceng:$tag-$arch" "oci-archive:$out:jiceng:$tag"
    echo "$out"
  done
fi
