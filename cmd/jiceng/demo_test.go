package main

import (
	"context"
	"strings"
	"testing"
	"time"
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
	var out, errb lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0"}, func(string) string { return "" }, strings.NewReader(""), &out, &errb)
	}()
	for i := 0; i < 2400 && !strings.Contains(out.String(), "jiceng 已启动"); i++ {
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
