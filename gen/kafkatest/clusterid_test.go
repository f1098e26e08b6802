package kafkatest

import (
	"encoding/base64"
	"testing"
)

// A cluster id that begins with '-' is read by kafka-storage as an option, so
// the format step fails; one random id in 64 used to.
func TestClusterIDNeverLooksLikeAnOption(t *testing.T) {
	for i := 0; i < 20000; i++ {
		id := clusterID()
		if id[0] == '-' {
			t.Fatalf("clusterID() = %q begins with '-'", id)
		}
		raw, err := base64.RawURLEncoding.DecodeString(id)
		if err != nil || len(raw) != 16 {
			t.Fatalf("clusterID() = %q: not 16 bytes of base64url (%v)", id, err)
		}
		if raw[6]>>4 != 4 || raw[8]>>6 != 2 {
			t.Fatalf("clusterID() = %q: not a version-4 UUID", id)
		}
	}
}
