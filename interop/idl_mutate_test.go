package interop

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/interop/javaharness"
)

var idlMutationsFlag = flag.Int("interop.idlmutations", 1000, "number of mutated IDL files in TestIDLMutationsMatchJava (50 with -short)")

// TestIDLMutationsMatchJava is a differential test on files nobody wrote:
// it takes the IDL inputs of TestIDLMatchesJava, applies one to three
// token-level mutations to each (delete, duplicate, swap, or replace a
// token with a keyword, literal, annotation or punctuation), and requires
// avroctl and Java's IdlReader to agree on every result exactly as
// TestIDLMatchesJava does. Most mutants are invalid, which tests that both
// reject the same files; the valid ones test defaults, docs, annotations
// and names in combinations the suites do not have.
//
// Each mutant goes to a temp folder that mirrors its original's folder and
// the one above (symbolic links to every other entry), under its original
// base name, so that imports relative to it ("x.avdl", "../shared/y.avdl")
// still resolve as they do for the original. A failing mutant's source is logged
// and kept in testdata/mutants/ to become a regression case.
func TestIDLMutationsMatchJava(t *testing.T) {
	h := javaharness.Shared(t)
	inputs := append(projectIDLInputs(t), conformanceIDLInputs(t)...)
	n := *idlMutationsFlag
	if testing.Short() {
		n = min(n, 50)
	}
	rng := rand.New(rand.NewPCG(*seedFlag, 0x1d1))
	tmp := t.TempDir()
	var agree, rejected int
	hung := false
	for i := 0; i < n && !hung; i++ {
		base := inputs[rng.IntN(len(inputs))]
		src, err := os.ReadFile(base.file)
		if err != nil {
			t.Fatal(err)
		}
		mutant, ops := mutateIDL(rng, string(src))
		file := mirror(t, filepath.Join(tmp, fmt.Sprint(i)), base.file)
		if err := os.WriteFile(file, []byte(mutant), 0o644); err != nil {
			t.Fatal(err)
		}
		in := idlInput{file: file, importDirs: base.importDirs}
		name := fmt.Sprintf("%d-%s", i, filepath.Base(base.file))
		ok := t.Run(name, func(t *testing.T) {
			defer func() {
				if t.Failed() {
					keep := filepath.Join("testdata", "mutants", fmt.Sprintf("seed%d-%s", *seedFlag, name))
					os.MkdirAll(filepath.Dir(keep), 0o755)
					os.WriteFile(keep, []byte(mutant), 0o644)
					t.Logf("mutant of %s (%s), kept as %s:\n%s", base.file, strings.Join(ops, "; "), keep, mutant)
				}
			}()
			if compareIDLWithJava(t, h, in, &hung) {
				rejected++
			}
		})
		if ok {
			agree++
		}
	}
	t.Logf("seed %d: %d of %d mutated IDL files agree with Java's IdlReader (%d rejected by both, %d accepted by both)",
		*seedFlag, agree, n, rejected, agree-rejected)
}

// idlToken splits IDL into tokens well enough to mutate it: comments,
// strings, backquoted names, numbers, identifiers, single punctuation, and
// whitespace runs (kept, never chosen).
var idlToken = regexp.MustCompile("(?s)/\\*.*?\\*/|//[^\\n]*|\"(?:[^\"\\\\\\n]|\\\\.)*\"|`[^`]*`|-?[0-9][0-9A-Za-z.+-]*|[\\p{L}_][\\p{L}\\p{N}_.-]*|\\s+|.")

// idlVocabulary is what a replaced or inserted token becomes.
var idlVocabulary = []string{
	// keywords and type names
	"protocol", "namespace", "schema", "import", "idl", "record", "error", "enum", "fixed", "union",
	"array", "map", "null", "boolean", "int", "long", "float", "double", "bytes", "string", "void",
	"oneway", "throws", "true", "false", "decimal", "date", "time_ms", "timestamp_ms", "local_timestamp_ms", "uuid",
	// punctuation
	"{", "}", "(", ")", "[", "]", "<", ">", ";", ",", "=", "?", ":", ".", "@",
	// literals
	"0", "-1", "1.5", "1e10", "-0.0", "NaN", "Infinity", "-Infinity", "0x1F", "2147483648", "9223372036854775808",
	`""`, `"x"`, `"\u00e9"`, `"a.b"`, "[]", "{}", `{"a": 1}`, `[null]`,
	// annotations and docs
	`@namespace("m.n")`, `@namespace("")`, `@aliases(["Old", "x.Older"])`, `@order("descending")`, `@order("ignore")`,
	`@logicalType("timestamp-micros")`, `@logicalType("decimal") @precision(4) @scale(2)`, `@java-class("x.Y")`,
	"/** a doc */", "/** */", "// comment\n", "/* block */",
	// names
	"X", "y", "`record`", "`x.y`", "Ünïcode", "a_b", "_x", "com.example.Z",
}

// Token classes for mutations that keep a file plausible: a type becomes
// another type, a literal another literal, and annotations or docs are
// inserted before names. Without them nearly every mutant is a syntax error.
var (
	idlTypeWords = []string{"null", "boolean", "int", "long", "float", "double", "bytes", "string",
		"decimal(9,2)", "date", "time_ms", "timestamp_ms", "local_timestamp_ms", "uuid", "int?", "string?",
		"array<int>", "map<string>", "union { null, string }", "union { string, null }"}
	idlLiterals = []string{"0", "-1", "1.5", "1e10", "-0.0", "NaN", "Infinity", "-Infinity", "2147483648",
		"9223372036854775808", "null", "true", `""`, `"x"`, `"\u00e9"`, "[]", "{}", `{"a": 1}`, `[null]`, `"SYM"`}
	idlPrefixes = []string{`@namespace("m.n") `, `@aliases(["Old"]) `, `@order("descending") `, `@order("ignore") `,
		`@prop("v") `, `@logicalType("timestamp-micros") `, "/** doc */ ", "/* c */ ", `@java-class("java.util.ArrayList") `}
	isTypeWord = regexp.MustCompile(`^(null|boolean|int|long|float|double|bytes|string|date|time_ms|timestamp_ms|local_timestamp_ms|uuid|void)$`)
	isLiteral  = regexp.MustCompile(`^(-?[0-9].*|"(?:[^"\\]|\\.)*"|true|false)$`)
)

// mutateIDL applies one or two mutations and returns the result and what
// was done, for the log.
func mutateIDL(rng *rand.Rand, src string) (string, []string) {
	toks := idlToken.FindAllString(src, -1)
	var ops []string
	for k := 1 + rng.IntN(2); k > 0; k-- {
		// Pick a token that is not whitespace.
		var idx []int
		for i, tok := range toks {
			if strings.TrimSpace(tok) != "" {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			break
		}
		i := idx[rng.IntN(len(idx))]
		word := idlVocabulary[rng.IntN(len(idlVocabulary))]
		if rng.IntN(3) > 0 {
			// A same-class change, when the token has a class.
			switch tok := toks[i]; {
			case isTypeWord.MatchString(tok):
				word = idlTypeWords[rng.IntN(len(idlTypeWords))]
			case isLiteral.MatchString(tok):
				word = idlLiterals[rng.IntN(len(idlLiterals))]
			default:
				p := idlPrefixes[rng.IntN(len(idlPrefixes))]
				ops = append(ops, fmt.Sprintf("insert %q before %q", p, tok))
				toks = append(toks[:i], append([]string{p}, toks[i:]...)...)
				continue
			}
			ops = append(ops, fmt.Sprintf("replace %q with %q", toks[i], word))
			toks[i] = word
			continue
		}
		switch rng.IntN(5) {
		case 0:
			ops = append(ops, fmt.Sprintf("delete %q", toks[i]))
			toks = append(toks[:i], toks[i+1:]...)
		case 1:
			ops = append(ops, fmt.Sprintf("duplicate %q", toks[i]))
			toks = append(toks[:i+1], append([]string{" ", toks[i]}, toks[i+1:]...)...)
		case 2:
			j := idx[rng.IntN(len(idx))]
			ops = append(ops, fmt.Sprintf("swap %q and %q", toks[i], toks[j]))
			toks[i], toks[j] = toks[j], toks[i]
		case 3:
			ops = append(ops, fmt.Sprintf("replace %q with %q", toks[i], word))
			toks[i] = word
		default:
			ops = append(ops, fmt.Sprintf("insert %q before %q", word, toks[i]))
			toks = append(toks[:i], append([]string{word, " "}, toks[i:]...)...)
		}
	}
	return strings.Join(toks, ""), ops
}

// mirror builds root/<parent>/<dir>/ where the original file's folder (dir)
// and the folder above it (parent) hold symbolic links to the originals'
// other entries, and returns the path the mutant of file should take.
func mirror(t *testing.T, root, file string) string {
	t.Helper()
	dir := filepath.Dir(file)
	parent := filepath.Dir(dir)
	mdir := filepath.Join(root, filepath.Base(dir))
	if err := os.MkdirAll(mdir, 0o755); err != nil {
		t.Fatal(err)
	}
	link := func(from, to string, skip string) {
		entries, err := os.ReadDir(from)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Name() != skip {
				os.Symlink(filepath.Join(from, e.Name()), filepath.Join(to, e.Name()))
			}
		}
	}
	link(parent, root, filepath.Base(dir))
	link(dir, mdir, filepath.Base(file))
	return filepath.Join(mdir, filepath.Base(file))
}
