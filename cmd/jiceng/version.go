package main

import (
	"fmt"
	"runtime/debug"
)

// version is set at release builds with -ldflags "-X main.version=…".
var version = "dev"

func versionString() string {
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " (" + s.Value[:12] + ")"
			}
		}
	}
	return fmt.Sprintf("jiceng %s%s", version, rev)
}
