package kafkatest

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestWatcherFindsLineSplitAcrossWrites(t *testing.T) {
	var out bytes.Buffer
	w := newWatcher(&out, "Kafka Server started")
	for _, p := range []string{"INFO a\nINFO [KafkaRaftServer nodeId=1] Kafka Ser", "ver sta", "rted\nmore\n"} {
		select {
		case <-w.found:
			t.Fatalf("found before %q", p)
		default:
		}
		w.Write([]byte(p))
	}
	select {
	case <-w.found:
	default:
		t.Fatal("not found")
	}
	if !strings.HasSuffix(out.String(), "rted\nmore\n") {
		t.Errorf("output not copied: %q", out.String())
	}
}

func TestWatcherIgnoresWantOnlyAcrossLines(t *testing.T) {
	w := newWatcher(&bytes.Buffer{}, "Kafka Server started")
	w.Write([]byte("Kafka Server\nstarted\n" + strings.Repeat("x", 3*maxLine) + "\n"))
	select {
	case <-w.found:
		t.Fatal("found across lines")
	default:
	}
	if cap(w.line) > 2*maxLine {
		t.Errorf("kept %d bytes of a long line", cap(w.line))
	}
}

func TestMissingJava(t *testing.T) {
	t.Setenv("JAVA_HOME", "")
	t.Setenv("PATH", t.TempDir())
	_, err := StartBroker(context.Background(), Options{})
	var missing *MissingToolError
	if !errors.As(err, &missing) || missing.Tool != "java" || !strings.Contains(err.Error(), "install Java 17+") {
		t.Fatalf("err = %v, want a MissingToolError for java that says how to install it", err)
	}
}
