// Command kafka runs a local Apache Kafka broker for development, the one
// the tests use: `go run mage.go kafka` (or `go run ./gen/kafkatest/cmd/kafka`).
// It prints the bootstrap address and stops the broker on Ctrl-C.
//
//	-port-file FILE   also write the bootstrap address to FILE (for scripts)
//	-auto-create      let the broker create topics on first use
//	-brokers N        run N brokers (node 1 is also the KRaft controller)
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"gitlab.com/acme/avroctl/gen/kafkatest"
)

func main() {
	addrFile := flag.String("port-file", "", "also write the bootstrap address to this file")
	autoCreate := flag.Bool("auto-create", false, "let the broker create topics on first use")
	brokers := flag.Int("brokers", 1, "number of brokers")
	flag.Parse()
	if err := run(*addrFile, kafkatest.Options{AutoCreateTopics: *autoCreate, Brokers: *brokers}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(addrFile string, opts kafkatest.Options) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts.Logf = func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	t0 := time.Now()
	b, err := kafkatest.StartBroker(ctx, opts)
	if err != nil {
		return err
	}
	defer b.Close()
	fmt.Fprintf(os.Stderr, "Apache Kafka %s ready in %v; logs in %s\n", kafkatest.Version, time.Since(t0).Round(time.Millisecond), b.Dir())
	fmt.Println(b.Bootstrap())
	if addrFile != "" {
		if err := writeFileAtomic(addrFile, []byte(b.Bootstrap()+"\n")); err != nil {
			return err
		}
		defer os.Remove(addrFile)
	}
	fmt.Fprintln(os.Stderr, "Ctrl-C stops it.")
	<-ctx.Done()
	return nil
}

// writeFileAtomic writes through a temp file and a rename, so a script
// polling for the file never reads half an address.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
