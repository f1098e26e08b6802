package lockfile

import (
	"strings"
	"testing"
)

func TestParseSpec(t *testing.T) {
	for _, c := range []struct {
		in, want, err string
	}{
		{"orders-value", "orders-value@latest", ""},
		{"orders-value@latest", "orders-value@latest", ""},
		{"orders-value@3", "orders-value@3", ""},
		{"team@corp-value", "team@corp-value@latest", ""}, // '@' inside a subject
		{"team@corp-value@2", "team@corp-value@2", ""},
		{"@3", "", "no subject"},
		{"orders-value@0", "", "want a number of 1 or more"},
	} {
		s, err := ParseSpec(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: err %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || s.String() != c.want {
			t.Errorf("%q: %v %v, want %s", c.in, s, err, c.want)
		}
	}
}

func sample() *Lock {
	fp := "sha256:" + strings.Repeat("ab", 32)
	return &Lock{Subjects: []Entry{
		{Subject: "orders-value", Requested: "latest", Version: 2, ID: 7, Fingerprint: fp,
			References: []Reference{{Name: "com.acme.Money", Subject: "com.acme.Money", Version: 1}}},
		{Subject: "com.acme.Money", Version: 1, ID: 3, Fingerprint: fp},
	}}
}

func TestMarshalIsSortedAndRoundTrips(t *testing.T) {
	b := sample().Marshal()
	if !strings.HasSuffix(string(b), "}\n") || strings.Index(string(b), "com.acme.Money\",\n      \"version\"") > strings.Index(string(b), "orders-value") {
		t.Fatalf("not sorted or no final newline:\n%s", b)
	}
	l, err := Parse("x.lock", b)
	if err != nil {
		t.Fatal(err)
	}
	if string(l.Marshal()) != string(b) {
		t.Fatalf("round trip differs")
	}
	// The same content in another order writes the same bytes.
	r := sample()
	r.Subjects[0], r.Subjects[1] = r.Subjects[1], r.Subjects[0]
	if string(r.Marshal()) != string(b) {
		t.Fatal("not deterministic")
	}
}

func TestParseErrorsAreLocated(t *testing.T) {
	good := string(sample().Marshal())
	for _, c := range []struct {
		name, text, want string
	}{
		{"syntax", "{\n  \"lockVersion\": 1,\n  x\n}", "x.lock:3:3: invalid character 'x'"},
		{"unknown field", "{\n  \"lockVersion\": 1, \"extra\": 2\n}", "unknown field \"extra\""},
		{"version", strings.Replace(good, `"lockVersion": 1`, `"lockVersion": 9`, 1), "x.lock:1:1: lockVersion 9"},
		{"fingerprint", strings.Replace(good, "sha256:abab", "md5:abab", 1), "want sha256:<64 hex digits>"},
		{"requested", strings.Replace(good, `"latest"`, `"newest"`, 1), `requested "newest"`},
		{"trailing", good + "{}", "content after the lock's JSON object"},
		{"type", strings.Replace(good, `"id": 7`, `"id": "7"`, 1), "x.lock:"},
	} {
		_, err := Parse("x.lock", []byte(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
	}
}

func TestReadMissingIsNoLock(t *testing.T) {
	l, err := Read(t.TempDir() + "/none.lock")
	if l != nil || err != nil {
		t.Fatalf("%v %v", l, err)
	}
}

// FuzzParse: any bytes give a lock or a located error, never a panic, and
// a lock that parses writes bytes that parse to the same lock.
func FuzzParse(f *testing.F) {
	f.Add(sample().Marshal())
	f.Add([]byte(`{"lockVersion":1,"fingerprint":"sha256-canonical","subjects":[]}`))
	f.Add([]byte("{\n\"subjects\": [ oops ]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse("f.lock", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.lock") {
				t.Fatalf("unlocated error: %v", err)
			}
			return
		}
		b := l.Marshal()
		l2, err := Parse("f.lock", b)
		if err != nil || string(l2.Marshal()) != string(b) {
			t.Fatalf("re-parse: %v", err)
		}
	})
}
