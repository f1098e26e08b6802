package idl

import (
	"path/filepath"
	"strings"
	"testing"
)

// secret is what a token file holds; no error may quote any of it.
const secret = "ghp_R4nd0mT0k3nV4lu3Th4tMustN0tLeak1234567890"

// TestNonIDLImportQuotesNothing: importing a file that is not IDL (or not
// JSON, for a schema or protocol import) used to quote its first token, so
// that a token file ended up in the CI log.
func TestNonIDLImportQuotesNothing(t *testing.T) {
	for _, tc := range []struct{ kind, content, want string }{
		{"idl", secret + "\n", "not an Avro IDL file: it starts with a word of 45 characters (not quoted"},
		{"idl", "API_KEY=" + secret + "\nOTHER=" + secret + "\n", "not an Avro IDL file: it starts with a word of 7 characters"},
		{"idl", "# " + secret + "\n", "not an Avro IDL file: it starts with a word of 45 characters"},
		{"idl", "\x00\x01\x02\x03", "not an Avro IDL file: it holds no IDL, only 4 characters IDL does not allow"},
		{"idl", `"` + secret + `"`, "not an Avro IDL file: it starts with a string"},
		{"schema", secret + "\n", "not JSON: the file starts with a word of 45 characters (not quoted"},
		{"protocol", secret + "\n", "not JSON: the file starts with a word of 45 characters"},
	} {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{
			"token.txt": tc.content,
			"main.avdl": "protocol P {\n  import " + tc.kind + " \"token.txt\";\n}\n",
		})
		_, err := Compile(filepath.Join(dir, "main.avdl"), Options{})
		if err == nil {
			t.Fatalf("%s %q: compiled", tc.kind, tc.content)
		}
		if got := err.Error(); strings.Contains(got, secret[:8]) || !strings.Contains(got, tc.want) {
			t.Errorf("import %s of %q:\ngot  %s\nwant %q, and nothing of the secret", tc.kind, tc.content, got, tc.want)
		}
	}
}

// TestErrorsQuoteShortPrefix: in a file that starts like IDL, a name in an
// error is quoted only up to schema.MaxQuoted characters.
func TestErrorsQuoteShortPrefix(t *testing.T) {
	_, err := CompileSource("t.avdl", []byte("protocol P { record R { int x; } } "+secret), Options{})
	if err == nil {
		t.Fatal("compiled")
	}
	got := err.Error()
	if !strings.Contains(got, `found identifier "`+secret[:32]+`"... (45 characters)`) || strings.Contains(got, secret[:33]) {
		t.Errorf("got %s", got)
	}
}

// TestMisspeltStart: a misspelt first keyword is the user's IDL: it is
// quoted, with the keyword meant.
func TestMisspeltStart(t *testing.T) {
	_, err := CompileSource("t.avdl", []byte("protcol P { }"), Options{})
	if err == nil || !strings.Contains(err.Error(), `t.avdl:1:1: expected protocol, namespace, schema, import or a named schema declaration, found identifier "protcol": did you mean protocol?`) {
		t.Errorf("got %v", err)
	}
}
