package kafka

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Config says how to reach the cluster. Producers and consumers each make
// their own franz-go client from it.
type Config struct {
	// Brokers are the seed brokers, "host:port".
	Brokers []string
	// ClientID names the client in broker logs and quotas (default
	// "avroctl-kafka").
	ClientID string
	// ConnectTimeout bounds how long NewProducer and Consumer.Run wait for
	// the cluster to answer (default 30 s) before failing with the last
	// error: a broker that is still starting is waited for, a wrong
	// address fails the service's start with the reason, not a hang.
	// Authentication errors fail at once.
	ConnectTimeout time.Duration
	// Opts are more franz-go options, applied after the runtime's own so
	// they win: SASL (kgo.SASL(plain.Auth{...}.AsMechanism())), TLS
	// (kgo.DialTLSConfig), timeouts, a logger (kgo.WithLogger).
	Opts []kgo.Opt
}

func (c Config) options() ([]kgo.Opt, error) {
	if len(c.Brokers) == 0 {
		return nil, errors.New("kafka: Config.Brokers is empty: give at least one seed broker, host:port")
	}
	id := c.ClientID
	if id == "" {
		id = "avroctl-kafka"
	}
	return []kgo.Opt{kgo.SeedBrokers(c.Brokers...), kgo.ClientID(id)}, nil
}

// connect waits until cl reaches the cluster, for at most ConnectTimeout.
// Network errors (a broker not up yet) are retried; any other error (a
// wrong SASL password, TLS refused) fails at once.
func (c Config) connect(ctx context.Context, cl *kgo.Client) error {
	timeout := c.ConnectTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last error // the last network error, more telling than the deadline
	for {
		err := cl.Ping(ctx)
		if err == nil {
			return nil
		}
		var ne net.Error
		retry := errors.As(err, &ne) || strings.Contains(err.Error(), "unable to dial")
		if retry && ctx.Err() == nil {
			last = err
		} else if last != nil && ctx.Err() != nil {
			err = last
		}
		if !retry || ctx.Err() != nil {
			hint := "check the bootstrap servers"
			if !retry {
				hint = "check the SASL and TLS settings"
			}
			return fmt.Errorf("kafka: cannot reach the cluster at %s: %w (%s)", strings.Join(c.Brokers, ","), err, hint)
		}
		select {
		case <-ctx.Done():
		case <-time.After(250 * time.Millisecond):
		}
	}
}
