package evolve

import (
	"strings"
	"testing"
)

func rec(ns, fields string) string {
	return `{"type":"record","name":"R","namespace":"` + ns + `","fields":[` + fields + `]}`
}

func TestDetectRenames(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     []string // "KIND from->to backward|forward|resolver"
	}{
		{"snake to camel, same position",
			rec("a", `{"name":"id","type":"string"},{"name":"customer_name","type":"string"}`),
			rec("a", `{"name":"id","type":"string"},{"name":"customerName","type":"string"}`),
			[]string{"FIELD_RENAMED customer_name->customerName bwd=ok fwd=broken res=ok go=same"}},
		{"promotable type, shared word",
			rec("a", `{"name":"total","type":"int"}`),
			rec("a", `{"name":"total_amount","type":"long"}`),
			[]string{"FIELD_RENAMED total->total_amount bwd=ok fwd=broken res=ok go=changed"}},
		{"old field had a default: forward holds",
			rec("a", `{"name":"qty","type":"int","default":0}`),
			rec("a", `{"name":"quantity","type":"int"}`),
			[]string{"FIELD_RENAMED qty->quantity bwd=ok fwd=ok res=ok go=changed"}},
		{"adjacent position",
			rec("a", `{"name":"a","type":"int"},{"name":"email","type":"string"}`),
			rec("a", `{"name":"email_address","type":"string"},{"name":"a","type":"int"}`),
			[]string{"FIELD_RENAMED email->email_address bwd=ok fwd=broken res=ok go=changed"}},
		{"dissimilar names are not a rename",
			rec("a", `{"name":"price","type":"int"}`),
			rec("a", `{"name":"colour","type":"int"}`),
			nil},
		{"type change that does not promote is not a rename",
			rec("a", `{"name":"count","type":"long"}`),
			rec("a", `{"name":"counts","type":"int"}`),
			nil},
		{"too far apart",
			rec("a", `{"name":"name","type":"string"},{"name":"x","type":"int"},{"name":"y","type":"int"}`),
			rec("a", `{"name":"x","type":"int"},{"name":"y","type":"int"},{"name":"fullname","type":"string"}`),
			nil},
		{"declared rename is not reported",
			rec("a", `{"name":"customer_name","type":"string"}`),
			rec("a", `{"name":"customerName","type":"string","aliases":["customer_name"]}`),
			nil},
		{"namespace moved",
			rec("a", `{"name":"id","type":"string"}`),
			rec("b", `{"name":"id","type":"string"}`),
			[]string{"TYPE_MOVED a.R->b.R bwd=ok fwd=ok res=ok go=same"}},
		{"namespace moved with an aliased field rename: the record alias is what the reader needs",
			rec("a", `{"name":"old_name","type":"string"}`),
			rec("b", `{"name":"oldName","type":"string","aliases":["old_name"]}`),
			[]string{"TYPE_MOVED a.R->b.R bwd=ok fwd=broken res=ok go=same"}},
		{"namespace moved and field renamed without alias: the field alias alone passes the checker, not the reader",
			rec("a", `{"name":"old_name","type":"string"}`),
			rec("b", `{"name":"oldName","type":"string"}`),
			[]string{"TYPE_MOVED a.R->b.R bwd=broken fwd=broken res=ok go=same",
				"FIELD_RENAMED old_name->oldName bwd=ok fwd=broken res=rejects go=same"}},
		{"nested enum renamed (short name), paired by field",
			rec("a", `{"name":"s","type":{"type":"enum","name":"Status","symbols":["A"]}}`),
			rec("a", `{"name":"s","type":{"type":"enum","name":"State","symbols":["A"]}}`),
			[]string{"TYPE_MOVED a.Status->a.State bwd=ok fwd=broken res=ok go=changed"}},
		{"nested record through an optional union",
			rec("a", `{"name":"c","type":["null",{"type":"record","name":"C","fields":[{"name":"zip_code","type":"string"}]}],"default":null}`),
			rec("a", `{"name":"c","type":["null",{"type":"record","name":"C","fields":[{"name":"zipCode","type":"string"}]}],"default":null}`),
			[]string{"FIELD_RENAMED zip_code->zipCode bwd=ok fwd=broken res=ok go=same"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, r := range DetectRenames(parse(t, tc.old), parse(t, tc.new)) {
				s := r.Kind + " " + r.From + "->" + r.To
				s += " bwd=" + okOr(r.Backward, "broken") + " fwd=" + okOr(r.Forward, "broken") + " res=" + okOr(r.Resolver, "rejects")
				if r.GoFrom == r.GoTo {
					s += " go=same"
				} else {
					s += " go=changed"
				}
				got = append(got, s)
				if r.Message() != "this looks like a rename of `"+r.From+"` to `"+r.To+"`" {
					t.Errorf("message %q", r.Message())
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func okOr(reason, bad string) string {
	if reason == "" {
		return "ok"
	}
	return bad
}

func TestRenameFixSyntax(t *testing.T) {
	old := parse(t, rec("a", `{"name":"customer_name","type":"string"}`))
	renamed := parse(t, rec("a", `{"name":"customerName","type":"string"}`))
	rs := DetectRenames(old, renamed)
	if len(rs) != 1 {
		t.Fatalf("renames: %v", rs)
	}
	r := rs[0]
	if got := r.Fix(); got != `add "aliases": ["customer_name"] to field customerName (1:63)` {
		t.Errorf("JSON fix: %s", got)
	}
	r.Field.Pos.Filename, r.Field.Pos.Line, r.Field.Pos.Column = "idl/a.avdl", 6, 10
	if got := r.Fix(); got != "write `@aliases([\"customer_name\"]) customerName` in place of the field name `customerName` (idl/a.avdl:6:10)" {
		t.Errorf("IDL fix: %s", got)
	}
}

func TestSimilarNames(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"customer_name", "customerName", true},
		{"amount", "amt", true},
		{"quantity", "qty", true},
		{"total", "total_amount", true},
		{"colour", "color", true},
		{"id", "key", false},
		{"price", "colour", false},
	} {
		if got := similarNames(tc.a, tc.b); got != tc.want {
			t.Errorf("similarNames(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
