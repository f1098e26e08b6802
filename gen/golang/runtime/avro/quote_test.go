package avro

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestQuote(t *testing.T) {
	if got := Quote("ab\n"); got != `"ab\n"` {
		t.Errorf("short: %s", got)
	}
	long := strings.Repeat("é", 1000) // 2 bytes each: the cut must not split one
	got := Quote(long)
	if len(got) > 80 || !strings.HasSuffix(got, "… (2000 bytes)") || !utf8.ValidString(got) || strings.Contains(got, `\x`) {
		t.Errorf("long: %s", got)
	}
}

// TestSchemaErrorsQuoteLittle: a registry's schema is input like any
// other; errors about it quote a short prefix.
func TestSchemaErrorsQuoteLittle(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	for _, js := range []string{
		`"` + big + `"`,
		`{"type":"enum","name":"E","symbols":[` + strings.Repeat("1", 1<<20) + `]}`,
		`[{"type":"fixed","name":"` + big + `","size":1},{"type":"fixed","name":"` + big + `","size":1}]`,
		`[` + strings.Repeat("1", 1<<20) + `]`,
	} {
		_, err := ParseWriterSchema(js)
		if err == nil || len(err.Error()) > 200 {
			t.Errorf("error of %d bytes: %.200v", len(errString(err)), err)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
