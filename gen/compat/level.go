package compat

import (
	"fmt"
	"strings"

	"gitlab.com/acme/avroctl/gen/schema"
)

// Level is a Confluent Schema Registry compatibility level.
type Level int

// The levels. The zero value is BACKWARD, the registry's default.
const (
	Backward Level = iota
	BackwardTransitive
	Forward
	ForwardTransitive
	Full
	FullTransitive
	None
)

var levelNames = [...]string{
	Backward: "BACKWARD", BackwardTransitive: "BACKWARD_TRANSITIVE",
	Forward: "FORWARD", ForwardTransitive: "FORWARD_TRANSITIVE",
	Full: "FULL", FullTransitive: "FULL_TRANSITIVE", None: "NONE",
}

// AllLevels lists the levels in the order the registry documents them.
var AllLevels = []Level{None, Backward, BackwardTransitive, Forward, ForwardTransitive, Full, FullTransitive}

// AllLevelStrings returns the level names, for flag help.
func AllLevelStrings() []string {
	out := make([]string, len(AllLevels))
	for i, l := range AllLevels {
		out[i] = l.String()
	}
	return out
}

func (l Level) String() string {
	if l >= 0 && int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// ParseLevel reads a level name, case-insensitively ("full_transitive" and
// "FULL-TRANSITIVE" are accepted too).
func ParseLevel(s string) (Level, error) {
	u := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "-", "_"))
	for i, n := range levelNames {
		if n == u {
			return Level(i), nil
		}
	}
	return 0, fmt.Errorf("unknown compatibility level %q (want one of %s)", s, strings.Join(AllLevelStrings(), ", "))
}

// Transitive reports whether the level checks every previous version rather
// than only the latest.
func (l Level) Transitive() bool {
	return l == BackwardTransitive || l == ForwardTransitive || l == FullTransitive
}

// backward and forward say which directions the level checks.
func (l Level) backward() bool {
	return l == Backward || l == BackwardTransitive || l == Full || l == FullTransitive
}

func (l Level) forward() bool {
	return l == Forward || l == ForwardTransitive || l == Full || l == FullTransitive
}

// CheckLevel checks newSchema against previous (oldest first) at level, with
// Confluent's semantics (CompatibilityChecker + SchemaValidatorBuilder):
//
//   - versions are checked newest first; a non-transitive level checks only
//     the latest, a transitive one every version but stops at the first
//     version that fails, and reports only that version's findings;
//   - BACKWARD: the new schema reads the previous one; FORWARD: the previous
//     one reads the new; FULL: first previous-reads-new, then new-reads-
//     previous, findings of both concatenated.
//
// Each incompatibility records its Direction and the index of the previous
// version it came from.
func CheckLevel(level Level, newSchema schema.Schema, previous []schema.Schema) Result {
	for _, run := range levelRuns(level, len(previous)) {
		res := runOne(level, newSchema, previous[run], run)
		if !res.Compatible {
			return res
		}
	}
	return Result{Compatible: true}
}

// levelRuns returns the indexes of previous versions to check, newest first.
func levelRuns(level Level, n int) []int {
	if level == None || n == 0 {
		return nil
	}
	if !level.Transitive() {
		return []int{n - 1}
	}
	runs := make([]int, n)
	for i := range runs {
		runs[i] = n - 1 - i
	}
	return runs
}

// runOne checks one previous version in the level's directions.
func runOne(level Level, newSchema, old schema.Schema, idx int) Result {
	var out Result
	out.Compatible = true
	add := func(r Result, dir Direction) {
		if r.Err != nil && out.Err == nil {
			out.Err = r.Err
		}
		if !r.Compatible {
			out.Compatible = false
		}
		annotate(r.Incompatibilities, rolesFor(dir))
		out.Incompatibilities = append(out.Incompatibilities, r.Incompatibilities...)
	}
	if level.forward() {
		add(checkPair(old, newSchema, OldReadsNew, idx), OldReadsNew)
	}
	if level.backward() {
		add(checkPair(newSchema, old, NewReadsOld, idx), NewReadsOld)
	}
	return out
}
