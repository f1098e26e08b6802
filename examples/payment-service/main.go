// Command payment-service publishes PaymentValidated events, framed for a
// schema registry, as JSON-lines records on stdout or in a file.
//
// Usage:
//
//	payment-service --registry http://127.0.0.1:8081 [--register] [--count 3] [--redeliver 2] [--out payments.jsonl]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"gitlab.com/acme/avroctl/examples/internal/cli"
	"gitlab.com/acme/avroctl/examples/internal/payment"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("payment-service", flag.ContinueOnError)
	fs.SetOutput(stderr)
	reg := cli.RegistryFlags(fs)
	register := fs.Bool("register", false, "register the event schema if the registry lacks it")
	count := fs.Int("count", 3, "number of payments to validate")
	redeliver := fs.Int("redeliver", 0, "publish every n-th event twice (simulates at-least-once redelivery)")
	out := fs.String("out", "-", `file to write records to ("-" is stdout)`)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	client, err := reg.Client()
	if err != nil {
		fmt.Fprintln(stderr, "payment-service:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err = cli.WriteOutput(*out, stdout, func(w io.Writer) error {
		return payment.Run(ctx, payment.Options{Registry: client, Register: *register, Count: *count, Redeliver: *redeliver}, w)
	})
	if err != nil {
		fmt.Fprintln(stderr, "payment-service:", err)
		return 1
	}
	return 0
}
