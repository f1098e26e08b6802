// Package cli holds the flag plumbing the example commands share.
package cli

import (
	"flag"
	"os"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"gitlab.com/acme/avroctl/events/v2/serde"
	"gitlab.com/acme/avroctl/kafka"
)

func env(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// Registry holds the registry connection flags.
type Registry struct {
	url     *string
	timeout *time.Duration
}

// RegistryFlags defines --registry (default $REGISTRY_URL) and
// --registry-timeout on fs. Credentials come only from the environment
// (REGISTRY_USER and REGISTRY_PASSWORD, or REGISTRY_TOKEN), never from the
// command line, which every local user can read.
func RegistryFlags(fs *flag.FlagSet) *Registry {
	return &Registry{
		url:     fs.String("registry", env("REGISTRY_URL", "http://127.0.0.1:8081"), "schema registry URL (env REGISTRY_URL)"),
		timeout: fs.Duration("registry-timeout", serde.DefaultTimeout, "timeout of each registry request"),
	}
}

// Client returns the registry client the flags describe.
func (r *Registry) Client() (*serde.Client, error) {
	return serde.NewClient(serde.ClientOptions{URL: *r.url, Username: os.Getenv("REGISTRY_USER"),
		Password: os.Getenv("REGISTRY_PASSWORD"), BearerToken: os.Getenv("REGISTRY_TOKEN"), Timeout: *r.timeout})
}

// Kafka holds the Kafka connection flag.
type Kafka struct{ brokers *string }

// KafkaFlags defines --bootstrap-servers (default
// $KAFKA_BOOTSTRAP_SERVERS), avroctl's convention. SASL/PLAIN comes from
// $KAFKA_SASL_USERNAME and $KAFKA_SASL_PASSWORD, never from flags; TLS and
// SCRAM would be more kafka.Config.Opts, as avroctl's own commands have.
func KafkaFlags(fs *flag.FlagSet) *Kafka {
	return &Kafka{brokers: fs.String("bootstrap-servers", env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
		"Kafka brokers, host:port,... (env KAFKA_BOOTSTRAP_SERVERS)")}
}

// Config returns the runtime's connection settings.
func (k *Kafka) Config() kafka.Config {
	var bs []string
	for _, b := range strings.Split(*k.brokers, ",") {
		if b = strings.TrimSpace(b); b != "" {
			bs = append(bs, b)
		}
	}
	cfg := kafka.Config{Brokers: bs}
	if user := os.Getenv("KAFKA_SASL_USERNAME"); user != "" {
		cfg.Opts = append(cfg.Opts, kgo.SASL(plain.Auth{User: user, Pass: os.Getenv("KAFKA_SASL_PASSWORD")}.AsMechanism()))
	}
	return cfg
}
