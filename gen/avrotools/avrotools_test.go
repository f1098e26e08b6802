package avrotools

import (
	"errors"
	"slices"
	"testing"
)

func TestNoJavaIsUnavailable(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Find(t.Context(), nil)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Find without java on PATH: %v, want ErrUnavailable", err)
	}
}

func TestSplitDots(t *testing.T) {
	if got := splitDots("com.github.luben"); !slices.Equal(got, []string{"com", "github", "luben"}) {
		t.Fatalf("splitDots = %q", got)
	}
}
