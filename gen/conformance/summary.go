package conformance

// Summary counts the cases of one conformance run. Failures holds one line
// per failed case: "case: what differs".
type Summary struct {
	Passed, Failed int
	Failures       []string
}
