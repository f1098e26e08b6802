package main

import (
	"runtime/debug"
	"testing"
)

func TestVersionFrom(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	for _, tc := range []struct {
		bi   *debug.BuildInfo
		want string
	}{
		{&debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "v1.4.0"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261203080747-c58bd86c4f3a+dirty"}}, "v0.0.0-20261203080747-c58bd86c4f3a+dirty"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("c58bd86c4f3a3524523b6ce9583a5348a54cd476", "true")}, "devel c58bd86c4f3a+dirty"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("c58bd86c4f3a3524523b6ce9583a5348a54cd476", "false")}, "devel c58bd86c4f3a"},
	} {
		if got := versionFrom(tc.bi); got != tc.want {
			t.Errorf("versionFrom(%+v) = %q, want %q", tc.bi.Main, got, tc.want)
		}
	}
	if got := versionFrom(&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}); got == "devel" {
		t.Errorf("a build without VCS info must say how to get a version, got %q", got)
	}
}
