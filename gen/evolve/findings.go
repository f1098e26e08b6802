package evolve

import (
	"fmt"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Findings returns the evolution findings for a level check of newSchema
// against previous (oldest first): RESOLVER_REJECTS for every pair the
// compat engine accepts and the resolving reader rejects, RESOLVER_MAY_REJECT
// where Java's reader fails on some valid values only, then the renames
// against the latest previous version. subject and path are as in
// report.FromResult. The compat verdict is not touched.
func Findings(level compat.Level, newSchema schema.Schema, previous []schema.Schema, subject, path string) []report.Finding {
	pairs := LevelPairs(level, newSchema, previous)
	out := ResolverFindings(pairs, subject, path)
	out = append(out, ResolverWarningFindings(pairs, subject, path)...)
	if len(previous) > 0 {
		out = append(out, RenameFindings(previous[len(previous)-1], newSchema, subject, path)...)
	}
	return out
}

// ResolverFindings turns CheckResolver's result into findings.
func ResolverFindings(pairs []Pair, subject, path string) []report.Finding {
	var out []report.Finding
	for _, f := range CheckResolver(pairs) {
		where := f.Err.Path
		if where == "" {
			where = "the record"
		}
		dir := ""
		switch f.Direction {
		case compat.NewReadsOld:
			dir = "BACKWARD (new readers, old data): "
		case compat.OldReadsNew:
			dir = "FORWARD (old readers, new data): "
		}
		explanation := "category WIRE: Java's SchemaCompatibility (the registry's check) and its ResolvingDecoder (every consumer, and the generated Go code, which follows it) are different components; the checker matches a field's aliases whatever the record's name, the reader applies them only under the writer record's full name, so consumers fail at run time"
		if f.Err.Fix != "" { // JavaReaderError: Java's reader only
			explanation = "category WIRE: Java's SchemaCompatibility (the registry's check) does not run the steps of Java's resolving reader that fail here (Schema.applyAliases re-validating writer defaults, ResolvingGrammarGenerator encoding reader defaults); every Java consumer fails, while avroctl's generated Go code reads the data"
		}
		out = append(out, report.Finding{
			Subject:  subject,
			Path:     path,
			Type:     ResolverRejects,
			Location: "/" + f.Err.Path,
			Source:   f.Source,
			Message: fmt.Sprintf("%sthe registry (and Java's SchemaCompatibility) accept this change, but a consumer's resolving reader cannot read %s: %s",
				dir, where, f.Err.Reason),
			Explanation: explanation,
			Fix:         f.Fix,
			Severity:    "critical",
		})
	}
	return out
}

// ResolverWarningFindings turns CheckResolverWarnings' result into
// RESOLVER_MAY_REJECT findings (severity major: some valid values fail in
// Java consumers, not all).
func ResolverWarningFindings(pairs []Pair, subject, path string) []report.Finding {
	var out []report.Finding
	for _, f := range CheckResolverWarnings(pairs) {
		dir := ""
		switch f.Direction {
		case compat.NewReadsOld:
			dir = "BACKWARD (new readers, old data): "
		case compat.OldReadsNew:
			dir = "FORWARD (old readers, new data): "
		}
		out = append(out, report.Finding{
			Subject:     subject,
			Path:        path,
			Type:        ResolverMayReject,
			Location:    "/" + f.Err.Path,
			Source:      f.Source,
			Message:     fmt.Sprintf("%sthe registry accepts this change and avroctl's reader reads every value, but Java consumers fail on some: %s: %s", dir, f.Err.Path, f.Err.Reason),
			Explanation: "category WIRE: Avro 1.12.2's GenericDatumReader bounds a collection's item count by the reader's item type, which this change makes larger than the writer's",
			Fix:         f.Fix,
			Severity:    "major",
		})
	}
	return out
}

// RenameFindings turns DetectRenames' result into findings.
func RenameFindings(oldSchema, newSchema schema.Schema, subject, path string) []report.Finding {
	var out []report.Finding
	for _, r := range DetectRenames(oldSchema, newSchema) {
		loc := "/" + r.Record
		if r.Kind == FieldRenamed {
			loc += "/fields/" + r.To
		}
		out = append(out, report.Finding{
			Subject:     subject,
			Path:        path,
			Type:        r.Kind,
			Location:    loc,
			Source:      r.Pos(),
			Message:     r.Message(),
			Explanation: r.Explanation(),
			Fix:         r.Fix(),
			Severity:    "info",
		})
	}
	return out
}
