package examples_test

import (
	"os/exec"
	"testing"
)

// TestNextEventsUpToDate: examples/evolution/nextevents, the next version
// of PaymentValidated that the proof's producer moves to, is generated
// code; it must be regenerated when the generator or its runtime change:
//
//	go run ./tools/avroctl generate --schemas examples/evolution/next --out examples/evolution/nextevents --module gitlab.com/acme/avroctl/examples/evolution/nextevents
func TestNextEventsUpToDate(t *testing.T) {
	cmd := exec.Command("go", "run", "./tools/avroctl", "generate", "--check",
		"--schemas", "examples/evolution/next", "--out", "examples/evolution/nextevents",
		"--module", "gitlab.com/acme/avroctl/examples/evolution/nextevents")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("examples/evolution/nextevents is stale (%v):\n%s\nregenerate it with the command in this test's doc", err, out)
	}
}
