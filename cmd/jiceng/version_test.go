package main

import (
	"runtime/debug"
	"testing"
)

// TestVersionShowsCommit: jiceng version printed only "jiceng dev", with
// no way to tell which commit a server runs.
func TestVersionShowsCommit(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "-compiler", Value: "gc"}, {Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: "2026-12-02T10:31:51Z"}, {Key: "vcs.modified", Value: modified}}
	}
	const rev = "0527e6e1a2b3c4d5e6f708192a3b4c5d6e7f8091"
	for _, c := range []struct {
		version, commit, module string
		settings                []debug.BuildSetting
		want                    string
	}{
		{"dev", "", "(devel)", vcs(rev, "false"), "jiceng dev (commit 0527e6e1a2b3, 2026-12-02T10:31:51Z)"},
		{"dev", "", "(devel)", vcs(rev, "true"), "jiceng dev (commit 0527e6e1a2b3-dirty, 2026-12-02T10:31:51Z)"},
		{"1.4.0", "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432", "(devel)", vcs(rev, "true"), "jiceng 1.4.0 (commit 9f8e7d6c5b4a)"},
		{"dev", "", "v1.4.0", nil, "jiceng dev (module v1.4.0)"},
		{"dev", "", "(devel)", nil, `jiceng dev (commit unknown: built without version control information; build in a git checkout with -buildvcs=true, or set -ldflags "-X main.commit=$(git rev-parse HEAD)")`},
	} {
		if got := formatVersion(c.version, c.commit, c.module, c.settings); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
	if out, e := runCLI(t, "", "version"); e != "" || out[:len("jiceng dev (")] != "jiceng dev (" {
		t.Errorf("jiceng version: %q %q", out, e)
	}
}
