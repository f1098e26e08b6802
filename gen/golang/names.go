package golang

import (
	"go/token"
	"strings"
	"unicode"
)

// initialisms are words written in upper case in Go names (Effective Go,
// golint's list, trimmed to what shows up in event schemas).
var initialisms = map[string]bool{
	"ACL": true, "API": true, "ASCII": true, "CPU": true, "CSS": true, "DNS": true,
	"EOF": true, "GUID": true, "HTML": true, "HTTP": true, "HTTPS": true, "ID": true,
	"IP": true, "JSON": true, "LHS": true, "QPS": true, "RAM": true, "RHS": true,
	"RPC": true, "SKU": true, "SLA": true, "SMTP": true, "SQL": true, "SSH": true,
	"TCP": true, "TLS": true, "TTL": true, "UDP": true, "UI": true, "UID": true,
	"URI": true, "URL": true, "UTF8": true, "UUID": true, "VM": true, "XML": true,
	"XMPP": true, "XSRF": true, "XSS": true,
}

// GoName turns an Avro name (record, field, enum symbol) into an exported Go
// identifier: words split at underscores and lower-to-upper case changes are
// capitalised, initialisms are upper-cased ("order_id" and "orderId" both
// give "OrderID"), and a name that would start with a digit gets an "X"
// prefix. It is the only place that decides Go spellings; collisions are
// resolved afterwards by a nameSet.
func GoName(avro string) string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	runes := []rune(avro)
	for i, r := range runes {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if i > 0 && unicode.IsUpper(r) && (unicode.IsLower(runes[i-1]) || unicode.IsDigit(runes[i-1])) {
			flush()
		}
		cur = append(cur, r)
	}
	flush()
	var b strings.Builder
	for _, w := range words {
		if up := strings.ToUpper(w); initialisms[up] {
			b.WriteString(up)
			continue
		}
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	s := b.String()
	if s == "" {
		return "X"
	}
	if unicode.IsDigit([]rune(s)[0]) {
		s = "X" + s
	}
	return s
}

// GoEnumName turns an enum symbol into the suffix of its Go constant.
// Symbols are conventionally SCREAMING_SNAKE_CASE; Go style is MixedCaps,
// so an all-upper-case symbol is lower-cased word by word first, keeping
// golint's initialisms: ORDER_ID_SET -> OrderIDSet. But a symbol that is
// one upper-case word of up to three letters is taken for an acronym or a
// code and keeps its letters: Carrier DHL -> CarrierDHL, Currency USD ->
// CurrencyUSD, which no list of initialisms could know. (So NEW stays NEW;
// PENDING, a longer word, becomes Pending.) Other symbols go through
// GoName.
func GoEnumName(sym string) string {
	if strings.ToUpper(sym) != sym {
		return GoName(sym)
	}
	if isCode(sym) {
		return sym
	}
	words := strings.FieldsFunc(sym, func(r rune) bool { return r == '_' })
	for i, w := range words {
		if !initialisms[w] {
			words[i] = strings.ToLower(w)
		}
	}
	return GoName(strings.Join(words, "_"))
}

// isCode reports whether an upper-case symbol is one word of up to three
// letters (digits may follow), such as DHL, EUR or EU.
func isCode(sym string) bool {
	letters := 0
	for i, r := range sym {
		switch {
		case r >= 'A' && r <= 'Z' && letters == i:
			letters++
		case r >= '0' && r <= '9' && letters > 0:
		default:
			return false
		}
	}
	return letters > 0 && letters <= 3
}

// goPackageName turns a package directory's last element into a package
// name: lower case letters and digits only, a trailing "_" for keywords.
func goPackageName(dir string) string {
	if i := strings.LastIndexByte(dir, '/'); i >= 0 {
		dir = dir[i+1:]
	}
	var b strings.Builder
	for _, r := range strings.ToLower(dir) {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		}
	}
	s := b.String()
	if s == "" || unicode.IsDigit(rune(s[0])) {
		s = "p" + s
	}
	if token.IsKeyword(s) {
		s += "_"
	}
	return s
}

// defaultPackageDir is the package directory for an Avro namespace when
// Options.Packages has no entry: the last namespace segment, lower-cased.
func defaultPackageDir(namespace string) string {
	seg := namespace
	if i := strings.LastIndexByte(seg, '.'); i >= 0 {
		seg = seg[i+1:]
	}
	return goPackageName(seg)
}

// nameSet hands out unique identifiers within one scope (a package or a
// struct). A clash gets trailing underscores until it is unique, so output
// stays deterministic for a given input order.
type nameSet map[string]bool

func (s nameSet) claim(name string) string {
	for s[name] {
		name += "_"
	}
	s[name] = true
	return name
}

// snakeFile turns a Go type name into a file name stem: OrderCreated ->
// order_created.
func snakeFile(goName string) string {
	var b strings.Builder
	runes := []rune(goName)
	for i, r := range runes {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(runes[i-1]) || (i+1 < len(runes) && unicode.IsLower(runes[i+1]))) {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		if r == '_' && b.Len() > 0 && strings.HasSuffix(b.String(), "_") {
			continue
		}
		b.WriteRune(r)
	}
	return strings.Trim(b.String(), "_")
}
