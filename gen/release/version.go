package release

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Version is a semantic version vX.Y.Z (no pre-release: the events module is
// released from the default branch only).
type Version struct{ Major, Minor, Patch int }

func (v Version) String() string { return fmt.Sprintf("v%d.%d.%d", v.Major, v.Minor, v.Patch) }

// ParseVersion parses "vX.Y.Z".
func ParseVersion(s string) (Version, error) {
	rest, ok := strings.CutPrefix(s, "v")
	parts := strings.Split(rest, ".")
	if !ok || len(parts) != 3 {
		return Version{}, fmt.Errorf("%q is not a version vMAJOR.MINOR.PATCH", s)
	}
	var n [3]int
	for i, p := range parts {
		x, ok := decimal(p)
		if !ok {
			return Version{}, fmt.Errorf("%q is not a version vMAJOR.MINOR.PATCH", s)
		}
		n[i] = x
	}
	return Version{n[0], n[1], n[2]}, nil
}

// decimal parses a semver number: ASCII digits only, no sign (strconv.Atoi
// takes "+0", which made "## events/v0.0.+0" a changelog entry for
// v0.0.0), no leading zero, and small enough for an int.
func decimal(s string) (int, bool) {
	if s == "" || len(s) > 1 && s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	x, err := strconv.Atoi(s)
	return x, err == nil
}

// Less orders versions.
func (v Version) Less(w Version) bool {
	if v.Major != w.Major {
		return v.Major < w.Major
	}
	if v.Minor != w.Minor {
		return v.Minor < w.Minor
	}
	return v.Patch < w.Patch
}

// Next returns the version after v for a bump. Before v1, breaking changes
// bump the minor version, as Go's module rules allow.
func (v Version) Next(b Bump) Version {
	switch b {
	case Major:
		if v.Major == 0 {
			return Version{0, v.Minor + 1, 0}
		}
		return Version{v.Major + 1, 0, 0}
	case Minor:
		return Version{v.Major, v.Minor + 1, 0}
	case Patch:
		return Version{v.Major, v.Minor, v.Patch + 1}
	}
	return v
}

// LatestTag returns the highest version among tags of the form
// prefix+"vX.Y.Z", ignoring other tags.
func LatestTag(tags []string, prefix string) (tag string, v Version, ok bool) {
	var found []Version
	for _, t := range tags {
		if rest, has := strings.CutPrefix(t, prefix); has {
			if v, err := ParseVersion(rest); err == nil {
				found = append(found, v)
			}
		}
	}
	if len(found) == 0 {
		return "", Version{}, false
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Less(found[j]) })
	v = found[len(found)-1]
	return prefix + v.String(), v, true
}

// SortTags returns tags of the form prefix+"vX.Y.Z" in version order, oldest
// first (the order compatibility levels check history in).
func SortTags(tags []string, prefix string) []string {
	type tv struct {
		tag string
		v   Version
	}
	var list []tv
	for _, t := range tags {
		if rest, has := strings.CutPrefix(t, prefix); has {
			if v, err := ParseVersion(rest); err == nil {
				list = append(list, tv{t, v})
			}
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].v.Less(list[j].v) })
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = x.tag
	}
	return out
}

// ModulePathFor returns the module path a version needs: Go requires the
// /vN suffix from major version 2 on.
func ModulePathFor(base string, v Version) string {
	base = stripMajorSuffix(base)
	if v.Major >= 2 {
		return fmt.Sprintf("%s/v%d", base, v.Major)
	}
	return base
}

func stripMajorSuffix(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i >= 0 && len(p) > i+2 && p[i+1] == 'v' {
		if _, ok := decimal(p[i+2:]); ok {
			return p[:i]
		}
	}
	return p
}

// IsReleaseVersion reports whether v is a module version a go.mod can pin:
// vX.Y.Z, a pre-release or a pseudo-version, without a +incompatible or
// +dirty build suffix.
func IsReleaseVersion(v string) bool {
	core, _, _ := strings.Cut(v, "-")
	if strings.Contains(v, "+") {
		return false
	}
	_, err := ParseVersion(core)
	return err == nil
}
