package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jiceng/internal/testrig"
)

// TestDemoRemovesItsDirectory: serve --demo left its temporary directory,
// with the demo database, its WAL and its key, behind at every run.
func TestDemoRemovesItsDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb testrig.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0"}, func(string) string { return "" }, strings.NewReader(""), &out, &errb)
	}()
	// Seeding the demo under the race detector on a busy machine can take
	// minutes; the test is about the directory, so it waits for the start.
	for deadline := time.Now().Add(10 * time.Minute); !strings.Contains(out.String(), "jiceng 已启动"); {
		if time.Now().After(deadline) {
			t.Fatalf("serve --demo did not start in 10 minutes:\n%s", out.String())
		}
		select {
		case err := <-done:
			t.Fatalf("serve --demo ended: %v\n%s", err, out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	if names := dirNames(t, tmp); len(names) != 1 || !strings.HasPrefix(names[0], "jiceng-demo-") {
		t.Fatalf("while serving, the temporary directory holds %v", names)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve --demo: %v", err)
	}
	if names := dirNames(t, tmp); len(names) != 0 {
		t.Errorf("after serve --demo ended, the temporary directory still holds %v", names)
	}
}

// TestServeDemoPortInUse: serve --demo on a port already taken seeded the
// whole demo and printed its accounts and a ballot code before it failed.
// It fails first now, with one line, prints nothing and leaves no
// temporary directory.
func TestServeDemoPortInUse(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	addr := taken.Addr().String()
	out, e := runCLI(t, "", "serve", "--demo", "--addr", addr, "--key-file", filepath.Join(t.TempDir(), "jiceng.key"))
	want := "jiceng serve: 无法监听 " + addr + "：listen tcp " + addr + ": bind: address already in use"
	if e != want || out != "" {
		t.Errorf("serve --demo on a port in use:\n got %q, printed %q\nwant %q, nothing printed", e, out, want)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("serve --demo left %d entries in the temporary directory: %v", len(left), left)
	}
}
