package schema

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// MaxQuoted is how many characters of a name, word or string an error
// message quotes from its input: enough to recognise a typo, not enough to
// copy a long value (a key, a token) from a file into a CI log.
const MaxQuoted = 32

// QuoteShort quotes s as strconv.Quote does, cut to MaxQuoted characters
// (the cut says how long s is).
func QuoteShort(s string) string {
	if n := utf8.RuneCountInString(s); n > MaxQuoted {
		r := []rune(s)
		return strconv.Quote(string(r[:MaxQuoted])) + fmt.Sprintf("... (%d characters)", n)
	}
	return strconv.Quote(s)
}

// EditDistance is the Levenshtein distance of two short strings (in
// bytes), used to suggest the word a typo meant.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
