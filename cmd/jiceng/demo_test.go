package main

import (
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
)

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
