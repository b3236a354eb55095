// Package pkg pins the packaging tool, nfpm, in a module of its own, so
// that its dependencies stay out of jiceng's go.mod. scripts/package.sh
// builds it from here: go -C tools/pkg build github.com/goreleaser/nfpm/v2/cmd/nfpm
package pkg
