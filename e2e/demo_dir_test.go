package e2e

import (
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDemoRemovesItsDirectory: serve --demo left its temporary directory,
// with the demo database, its WAL and its key, behind at every run; then
// still when its terminal was closed (SIGHUP killed it). The test runs the
// real binary, stops it with HUP once it serves and finds the directory
// gone; Ctrl-C and TERM end it through the same context.
//
// It lives here, with the other tests of the built binary, because seeding
// the whole Nanning demo in a binary built with the race detector (every
// unit test runs so) took six minutes on a quiet machine and more than ten
// beside the other packages' tests.
func TestDemoRemovesItsDirectory(t *testing.T) {
	if os.Getenv("JICENG_E2E") != "1" {
		t.Skip("end-to-end test: set JICENG_E2E=1 to run it (it builds the real binary and seeds the demo)")
	}
	if signal.Ignored(syscall.SIGHUP) {
		// Started under nohup: the child inherits the ignored HUP and rightly
		// keeps running (cmd/jiceng TestShutdownSignals checks that).
		t.Skip("the tests were started with HUP ignored")
	}
	bin := buildBinary(t, t.TempDir())
	tmp := t.TempDir()
	cmd := exec.Command(bin, "serve", "--demo", "--addr", "127.0.0.1:0")
	cmd.Env = []string{"TMPDIR=" + tmp, "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	}()
	for deadline := time.Now().Add(5 * time.Minute); !strings.Contains(out.String(), "jiceng 已启动"); {
		if time.Now().After(deadline) {
			t.Fatalf("serve --demo did not start in 5 minutes:\n%s", out.String())
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
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve --demo after HUP: %v\n%s", err, out.String())
		}
	case <-time.After(time.Minute):
		t.Fatalf("serve --demo still runs a minute after HUP:\n%s", out.String())
	}
	if names := dirNames(t, tmp); len(names) != 0 {
		t.Errorf("after serve --demo ended, the temporary directory still holds %v", names)
	}
}

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}
