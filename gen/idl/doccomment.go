package idl

import "strings"

// docText turns the text of a /** ... */ token into a doc string the way
// the reference does: strip the delimiters, trim, then strip indents.
func docText(comment string) string {
	text := comment[3 : len(comment)-2]
	return stripIndents(javaTrim(text))
}

// javaTrim is Java's String.trim: it removes every char <= U+0020 at both ends.
func javaTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}

// isHSpace is Java regex \h (horizontal whitespace).
func isHSpace(r rune) bool {
	switch r {
	case ' ', '\t', 0xA0, 0x1680, 0x180e, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// splitLines splits s at Java's line terminators (\r\n, \n, \r, U+0085,
// U+2028, U+2029). seps[i] is the terminator after lines[i].
func splitLines(s string) (lines, seps []string) {
	start := 0
	for i := 0; i < len(s); {
		n := 0
		switch {
		case s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n':
			n = 2
		case s[i] == '\n' || s[i] == '\r':
			n = 1
		case strings.HasPrefix(s[i:], "\u0085"):
			n = len("\u0085")
		case strings.HasPrefix(s[i:], "\u2028"), strings.HasPrefix(s[i:], "\u2029"):
			n = len("\u2028")
		}
		if n == 0 {
			i++
			continue
		}
		lines = append(lines, s[start:i])
		seps = append(seps, s[i:i+n])
		i += n
		start = i
	}
	lines = append(lines, s[start:])
	return lines, seps
}

func trimHSpace(s string) string {
	return strings.TrimLeftFunc(s, isHSpace)
}

// stripIndents mirrors IdlReader.stripIndents. If every line after the
// first starts (after horizontal space) with the same one or two stars as
// the first line, those stars and one following space go. Otherwise, the
// whitespace indent common to the second and later lines goes.
func stripIndents(doc string) string {
	lines, seps := splitLines(doc)
	for _, stars := range []string{"**", "*"} {
		if !strings.HasPrefix(lines[0], stars) {
			continue
		}
		ok := true
		for _, l := range lines[1:] {
			if !strings.HasPrefix(trimHSpace(l), stars) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		var b strings.Builder
		for i, l := range lines {
			if i > 0 {
				b.WriteString(seps[i-1])
				l = trimHSpace(l)
			}
			l = strings.TrimPrefix(l, stars)
			for _, r := range l {
				if isHSpace(r) {
					l = l[len(string(r)):]
				}
				break
			}
			b.WriteString(l)
		}
		return b.String()
	}
	if len(lines) < 2 {
		return doc
	}
	// The indent is the second line's leading space, shortened until every
	// later line starts with it (the regex backtracks the same way).
	indent := lines[1][:len(lines[1])-len(trimHSpace(lines[1]))]
	for _, l := range lines[2:] {
		for !strings.HasPrefix(l, indent) {
			_, size := lastRune(indent)
			indent = indent[:len(indent)-size]
		}
	}
	if indent == "" {
		return doc
	}
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteString(seps[i-1])
			l = strings.TrimPrefix(l, indent)
		}
		b.WriteString(l)
	}
	return b.String()
}

func lastRune(s string) (rune, int) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] < 0x80 || s[i] >= 0xC0 {
			return []rune(s[i:])[0], len(s) - i
		}
	}
	return 0, len(s)
}
