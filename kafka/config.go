package kafka

import (
	"errors"

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
