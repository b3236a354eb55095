package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// srcDir is where the project keeps the source CSVs, seen from this package.
const srcDir = "../../../../shared/data/china-division"

// TestEmbeddedIsCurrent regenerates the data file and compares its content
// with the committed one, so that a change to the generator or to the source
// cannot go unnoticed. Compressed bytes are not compared: they may differ
// between Go releases without any change of content.
func TestEmbeddedIsCurrent(t *testing.T) {
	if _, err := os.Stat(filepath.Join(srcDir, "villages.csv")); err != nil {
		t.Skipf("source CSVs not available: %v", err)
	}
	out := filepath.Join(t.TempDir(), "divisions.gz")
	if err := run(srcDir, out, io.Discard); err != nil {
		t.Fatal(err)
	}
	got, want := gunzip(t, out), gunzip(t, "../data/divisions.gz")
	if !bytes.Equal(got, want) {
		t.Errorf("data/divisions.gz is stale (%d bytes of content, regenerated %d): run go run ./internal/region/gen", len(want), len(got))
	}
}

func gunzip(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }() // read only
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
