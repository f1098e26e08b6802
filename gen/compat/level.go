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
	var passed map[schema.Schema]bool
	var c checker
	for _, run := range levelRuns(level, len(previous)) {
		// The same schema object twice in a history passes twice.
		if passed[previous[run]] {
			continue
		}
		res := runOne(&c, level, newSchema, nil, previous[run], nil, run)
		if !res.Compatible {
			return res
		}
		if passed == nil {
			passed = make(map[schema.Schema]bool)
		}
		passed[previous[run]] = true
	}
	return Result{Compatible: true}
}

// CheckLevelPrepared is CheckLevel on prepared schemas, with the same
// Result, faster: sub-schemas equal on both sides are not walked, and a
// previous version equal to one already passed is not checked again (in
// a transitive check, every version checked before the first failure has
// passed, and an equal version gets the same verdict). Its extra memory is
// proportional to the number of previous versions.
func CheckLevelPrepared(level Level, newSchema *Prepared, previous []*Prepared) Result {
	var passed map[[32]byte]bool
	var c checker
	for _, run := range levelRuns(level, len(previous)) {
		old := previous[run]
		if passed[old.key] {
			continue
		}
		res := runOne(&c, level, newSchema.Schema, newSchema, old.Schema, old, run)
		if !res.Compatible {
			return res
		}
		if passed == nil {
			passed = make(map[[32]byte]bool)
		}
		passed[old.key] = true
	}
	return Result{Compatible: true}
}

// CheckPrepared is Check on prepared schemas, with the same Result.
func CheckPrepared(reader, writer *Prepared) Result {
	res := checkPrepared(nil, reader.Schema, writer.Schema, reader, writer, ReaderWriter, -1)
	annotate(res.Incompatibilities, rolesFor(ReaderWriter))
	return res
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
func runOne(c *checker, level Level, newSchema schema.Schema, newPrep *Prepared, old schema.Schema, oldPrep *Prepared, idx int) Result {
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
		add(checkPrepared(c, old, newSchema, oldPrep, newPrep, OldReadsNew, idx), OldReadsNew)
	}
	if level.backward() {
		add(checkPrepared(c, newSchema, old, newPrep, oldPrep, NewReadsOld, idx), NewReadsOld)
	}
	return out
}
