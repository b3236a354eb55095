package main

import (
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"jiceng/internal/testrig"
)

// TestDemoRemovesItsDirectory: serve --demo left its temporary directory,
// with the demo database, its WAL and its key, behind at every run; then
// still when its terminal was closed (SIGHUP killed it). The test runs the
// program as a process of its own (this test binary, see
// TestServeDemoProcess), stops it with HUP and finds the directory gone.
// Ctrl-C and TERM end it through the same context.
func TestDemoRemovesItsDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo")
	}
	if signal.Ignored(syscall.SIGHUP) {
		// Started under nohup: the child inherits the ignored HUP and rightly
		// keeps running, which is what TestShutdownSignals checks.
		t.Skip("the tests were started with HUP ignored")
	}
	tmp := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeDemoProcess$")
	cmd.Env = []string{"JICENG_TEST_SERVE_DEMO=1", "TMPDIR=" + tmp, "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	var out testrig.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
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

// TestServeDemoProcess is the program run by TestDemoRemovesItsDirectory:
// main itself, with its signal handling, serving a demo.
func TestServeDemoProcess(t *testing.T) {
	if os.Getenv("JICENG_TEST_SERVE_DEMO") != "1" {
		t.Skip("run by TestDemoRemovesItsDirectory")
	}
	os.Args = []string{"jiceng", "serve", "--demo", "--addr", "127.0.0.1:0"}
	main()
}

// TestShutdownSignals: HUP ends the program cleanly, unless it was started
// to ignore HUP.
func TestShutdownSignals(t *testing.T) {
	if !signal.Ignored(syscall.SIGHUP) {
		if got := shutdownSignals(); len(got) != 3 || got[2] != syscall.SIGHUP {
			t.Errorf("shutdown signals %v, want interrupt, terminated, hangup", got)
		}
	}
	signal.Ignore(syscall.SIGHUP)
	defer signal.Reset(syscall.SIGHUP)
	if got := shutdownSignals(); len(got) != 2 {
		t.Errorf("with HUP ignored, shutdown signals %v, want interrupt, terminated", got)
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
