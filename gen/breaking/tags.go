package breaking

import (
	"sort"
	"strconv"
	"strings"

	"gitlab.com/acme/avroctl/gen/gitref"
)

// releaseTags returns the tags "<prefix>MAJOR.MINOR.PATCH[-pre]" in semantic
// version order, oldest first. Tags that are not versions are ignored.
func releaseTags(repo gitref.Repo, prefix string) ([]string, error) {
	tags, err := repo.Tags(prefix)
	if err != nil {
		return nil, err
	}
	type tagVersion struct {
		tag string
		v   semver
	}
	var vs []tagVersion
	for _, t := range tags {
		if v, ok := parseSemver(strings.TrimPrefix(t, prefix)); ok {
			vs = append(vs, tagVersion{t, v})
		}
	}
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].v.less(vs[j].v) })
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.tag
	}
	return out, nil
}

// semver is a parsed MAJOR.MINOR.PATCH[-prerelease][+build].
type semver struct {
	n   [3]int
	pre string
}

func parseSemver(s string) (semver, bool) {
	var v semver
	if i := strings.IndexByte(s, '+'); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s, '-'); i >= 0 {
		s, v.pre = s[:i], s[i+1:]
		if v.pre == "" {
			return v, false
		}
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return v, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || (len(p) > 1 && p[0] == '0') {
			return v, false
		}
		v.n[i] = n
	}
	return v, true
}

// less orders versions as semver does: a prerelease sorts before its
// release; prerelease identifiers compare numerically when both are numbers.
func (a semver) less(b semver) bool {
	for i := range a.n {
		if a.n[i] != b.n[i] {
			return a.n[i] < b.n[i]
		}
	}
	if a.pre == b.pre {
		return false
	}
	if a.pre == "" || b.pre == "" {
		return a.pre != "" // only a has a prerelease
	}
	ap, bp := strings.Split(a.pre, "."), strings.Split(b.pre, ".")
	for i := 0; i < len(ap) && i < len(bp); i++ {
		if ap[i] == bp[i] {
			continue
		}
		an, aerr := strconv.Atoi(ap[i])
		bn, berr := strconv.Atoi(bp[i])
		switch {
		case aerr == nil && berr == nil:
			return an < bn
		case aerr == nil:
			return true // numbers sort before words
		case berr == nil:
			return false
		}
		return ap[i] < bp[i]
	}
	return len(ap) < len(bp)
}
