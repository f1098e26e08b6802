// Command order-service consumes PaymentValidated records (JSON lines from
// stdin or a file), drops redeliveries by event id, and publishes one
// OrderCreated event per order.
//
// Usage:
//
//	order-service --registry http://127.0.0.1:8081 [--register] [--in payments.jsonl] [--out orders.jsonl] [--dlq dead.jsonl]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"gitlab.com/acme/avroctl/examples/internal/cli"
	"gitlab.com/acme/avroctl/examples/internal/order"
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("order-service", flag.ContinueOnError)
	fs.SetOutput(stderr)
	reg := cli.RegistryFlags(fs)
	register := fs.Bool("register", false, "register the OrderCreated schema if the registry lacks it")
	in := fs.String("in", "-", `file to read records from ("-" is stdin)`)
	out := fs.String("out", "-", `file to write records to ("-" is stdout)`)
	dlq := fs.String("dlq", "", "file to write undecodable records to, unchanged (dead-letter topic)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	client, err := reg.Client()
	if err != nil {
		fmt.Fprintln(stderr, "order-service:", err)
		return 2
	}
	src, name := stdin, "<stdin>"
	if *in != "-" {
		f, err := os.Open(*in)
		if err != nil {
			fmt.Fprintln(stderr, "order-service:", err)
			return 1
		}
		defer f.Close()
		src, name = f, *in
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var st order.Stats
	err = cli.WriteOutput(*out, stdout, func(w io.Writer) error {
		return cli.WriteOptional(*dlq, func(dead io.Writer) error {
			var err error
			st, err = order.Run(ctx, order.Options{Registry: client, Register: *register, DeadLetter: dead, Log: stderr}, src, name, w)
			return err
		})
	})
	fmt.Fprintf(stderr, "order-service: consumed %d, created %d, duplicates %d, same order %d, dead-lettered %d\n",
		st.Consumed, st.Created, st.Duplicates, st.SameOrder, st.DeadLettered)
	if err != nil {
		fmt.Fprintln(stderr, "order-service:", err)
		return 1
	}
	return 0
}
