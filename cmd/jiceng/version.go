package main

import (
	"runtime/debug"
)

// version and commit are set at release builds with
// -ldflags "-X main.version=… -X main.commit=…"; a plain go build in a git
// checkout records the commit itself (vcs.revision).
var (
	version = "dev"
	commit  = ""
)

func versionString() string {
	var settings []debug.BuildSetting
	mainVersion := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		settings = bi.Settings
		mainVersion = bi.Main.Version
	}
	return formatVersion(version, commit, mainVersion, settings)
}

// formatVersion writes the version line: the release, then the commit the
// binary was built from, marked -dirty when the tree had uncommitted
// changes, and its time, so that an operator can say exactly what runs. A
// commit given with -ldflags wins over the recorded one; a module version
// (go install jiceng@v1.2.0) stands in when neither exists.
func formatVersion(version, commit, mainVersion string, settings []debug.BuildSetting) string {
	var rev, at string
	dirty := false
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		case "vcs.time":
			at = s.Value
		}
	}
	if commit != "" {
		rev, dirty, at = commit, false, ""
	}
	line := "jiceng " + version
	switch {
	case rev != "":
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if dirty {
			rev += "-dirty"
		}
		line += " (commit " + rev
		if at != "" {
			line += ", " + at
		}
		return line + ")"
	case mainVersion != "" && mainVersion != "(devel)":
		return line + " (module " + mainVersion + ")"
	}
	return line + " (commit unknown: built without version control information; build in a git checkout with -buildvcs=true, or set -ldflags \"-X main.commit=$(git rev-parse HEAD)\")"
}
