// Command payment-service publishes PaymentValidated events to Kafka,
// framed for a schema registry, with the CloudEvents headers.
//
// Usage:
//
//	payment-service [--bootstrap-servers 127.0.0.1:9092] [--registry http://127.0.0.1:8081] [--register]
//	                [--first 1] [--count 10] [--duplicate-every 0] [--foreign-every 0]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"gitlab.com/acme/avroctl/examples/internal/cli"
	"gitlab.com/acme/avroctl/examples/internal/payment"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("payment-service", flag.ContinueOnError)
	fs.SetOutput(stderr)
	reg := cli.RegistryFlags(fs)
	kc := cli.KafkaFlags(fs)
	register := fs.Bool("register", false, "register the event schema if the registry lacks it")
	first := fs.Int("first", 1, "number of the first payment (a payment's ids derive from its number)")
	count := fs.Int("count", 10, "number of payments to publish")
	dupEvery := fs.Int("duplicate-every", 0, "send every n-th event twice (what a producer retry does)")
	foreignEvery := fs.Int("foreign-every", 0, "make every n-th payment a CHF payment (the order service refuses those by default)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	kcfg, err := kc.Config()
	if err != nil {
		fmt.Fprintln(stderr, fs.Name()+":", err)
		return 2
	}
	client, err := reg.Client()
	if err != nil {
		fmt.Fprintln(stderr, "payment-service:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := payment.Publish(ctx, payment.Options{
		Kafka: kcfg, Registry: client, Register: *register,
		First: *first, Count: *count, DuplicateEvery: *dupEvery, ForeignEvery: *foreignEvery,
	})
	if err != nil {
		fmt.Fprintln(stderr, "payment-service:", err)
		return 1
	}
	fmt.Fprintf(stdout, "payment-service: published %d records to %s: %d payments (%d in CHF), %d sent twice\n",
		st.Sent, payment.Topic, st.Sent-st.Duplicates, st.Foreign, st.Duplicates)
	return 0
}
