// Package kafkaconn turns connection settings (flags and environment) into
// franz-go client options: bootstrap servers, SASL (PLAIN, SCRAM-SHA-256,
// SCRAM-SHA-512) and TLS. Every avroctl command that talks to Kafka uses
// it, so that they all read the same variables and never print a secret.
package kafkaconn

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// Environment variables FromEnv reads. The KAFKA_SASL_JAAS_* and
// KAFKA_SECURITY_PROTOCOL names are kafka-gitops's, so a pipeline moving
// off it keeps its variables.
const (
	EnvBootstrap        = "KAFKA_BOOTSTRAP_SERVERS"
	EnvSASLMechanism    = "KAFKA_SASL_MECHANISM"
	EnvUsername         = "KAFKA_SASL_USERNAME"
	EnvPassword         = "KAFKA_SASL_PASSWORD"
	EnvPasswordFile     = "KAFKA_SASL_PASSWORD_FILE"
	EnvJAASUsername     = "KAFKA_SASL_JAAS_USERNAME"
	EnvJAASPassword     = "KAFKA_SASL_JAAS_PASSWORD"
	EnvSecurityProtocol = "KAFKA_SECURITY_PROTOCOL"
	EnvTLS              = "KAFKA_TLS"
	EnvCAFile           = "KAFKA_TLS_CA_FILE"
	EnvCertFile         = "KAFKA_TLS_CERT_FILE"
	EnvKeyFile          = "KAFKA_TLS_KEY_FILE"
	EnvServerName       = "KAFKA_TLS_SERVER_NAME"
)

// Mechanisms are the SASL mechanisms supported.
var Mechanisms = []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}

// Options say how to reach and authenticate with a cluster.
type Options struct {
	Brokers []string
	// SASLMechanism is one of Mechanisms, or "" for none.
	SASLMechanism string
	Username      string
	// Password is never printed. PasswordFile, when set, is read instead.
	Password     string
	PasswordFile string
	// TLS turns TLS on; the files are optional (system roots otherwise).
	TLS                       bool
	CAFile, CertFile, KeyFile string
	ServerName                string
	// ClientID names the client in the brokers' logs (default "avroctl").
	ClientID string
	// DialTimeout bounds each connection attempt (default 10s);
	// RequestTimeout each request's overhead beyond its own timeout
	// (default 30s).
	DialTimeout, RequestTimeout time.Duration
}

// FromEnv fills options from the environment (getenv nil: os.Getenv).
func FromEnv(getenv func(string) string) Options {
	if getenv == nil {
		getenv = os.Getenv
	}
	first := func(keys ...string) string {
		for _, k := range keys {
			if v := getenv(k); v != "" {
				return v
			}
		}
		return ""
	}
	o := Options{
		Brokers:       SplitBrokers(getenv(EnvBootstrap)),
		SASLMechanism: strings.ToUpper(getenv(EnvSASLMechanism)),
		Username:      first(EnvUsername, EnvJAASUsername),
		Password:      first(EnvPassword, EnvJAASPassword),
		PasswordFile:  getenv(EnvPasswordFile),
		CAFile:        getenv(EnvCAFile),
		CertFile:      getenv(EnvCertFile),
		KeyFile:       getenv(EnvKeyFile),
		ServerName:    getenv(EnvServerName),
	}
	switch strings.ToLower(getenv(EnvTLS)) {
	case "1", "true", "yes":
		o.TLS = true
	}
	switch strings.ToUpper(getenv(EnvSecurityProtocol)) {
	case "SSL", "SASL_SSL":
		o.TLS = true
	}
	return o
}

// SplitBrokers splits a comma-separated list, dropping blanks.
func SplitBrokers(s string) []string {
	var out []string
	for _, b := range strings.Split(s, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}

// String describes the options without secrets, for logs and errors.
func (o Options) String() string {
	auth := "none"
	if o.SASLMechanism != "" {
		auth = fmt.Sprintf("SASL %s (user %s)", o.SASLMechanism, o.Username)
	}
	tlsDesc := "off"
	if o.TLS {
		tlsDesc = "on"
		if o.CertFile != "" {
			tlsDesc += ", client certificate " + o.CertFile
		}
	}
	return fmt.Sprintf("%s (auth: %s, TLS: %s)", strings.Join(o.Brokers, ","), auth, tlsDesc)
}

// ClientOpts returns the franz-go options for o. Extra options are
// appended (for a producer's or consumer's own settings).
func (o Options) ClientOpts(extra ...kgo.Opt) ([]kgo.Opt, error) {
	if len(o.Brokers) == 0 {
		return nil, fmt.Errorf("no bootstrap servers: give --bootstrap-servers or set %s", EnvBootstrap)
	}
	for _, b := range o.Brokers {
		if _, port, err := net.SplitHostPort(b); err != nil || port == "" {
			return nil, fmt.Errorf("bootstrap server %q: want host:port", b)
		}
	}
	id := o.ClientID
	if id == "" {
		id = "avroctl"
	}
	dial := o.DialTimeout
	if dial <= 0 {
		dial = 10 * time.Second
	}
	req := o.RequestTimeout
	if req <= 0 {
		req = 30 * time.Second
	}
	opts := []kgo.Opt{kgo.SeedBrokers(o.Brokers...), kgo.ClientID(id), kgo.DialTimeout(dial), kgo.RequestTimeoutOverhead(req)}
	if o.SASLMechanism == "" && (o.Username != "" || o.Password != "" || o.PasswordFile != "") {
		// Credentials without a mechanism would connect without them, and
		// the broker's answer to that ("closed the connection") does not
		// say why.
		return nil, fmt.Errorf("SASL credentials are set but no mechanism: give --sasl-mechanism or set %s (one of %s)", EnvSASLMechanism, strings.Join(Mechanisms, ", "))
	}
	if o.SASLMechanism != "" {
		password := o.Password
		if o.PasswordFile != "" {
			data, err := os.ReadFile(o.PasswordFile)
			if err != nil {
				return nil, fmt.Errorf("SASL password file: %w", err)
			}
			password = strings.TrimRight(string(data), "\r\n")
		}
		if o.Username == "" || password == "" {
			return nil, fmt.Errorf("SASL %s needs a user (--sasl-username or %s) and a password (%s or %s)", o.SASLMechanism, EnvUsername, EnvPassword, EnvPasswordFile)
		}
		switch o.SASLMechanism {
		case "PLAIN":
			opts = append(opts, kgo.SASL(plain.Auth{User: o.Username, Pass: password}.AsMechanism()))
		case "SCRAM-SHA-256":
			opts = append(opts, kgo.SASL(scram.Auth{User: o.Username, Pass: password}.AsSha256Mechanism()))
		case "SCRAM-SHA-512":
			opts = append(opts, kgo.SASL(scram.Auth{User: o.Username, Pass: password}.AsSha512Mechanism()))
		default:
			return nil, fmt.Errorf("SASL mechanism %q: want one of %s", o.SASLMechanism, strings.Join(Mechanisms, ", "))
		}
	}
	if o.TLS || o.CAFile != "" || o.CertFile != "" {
		cfg, err := o.tlsConfig()
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.DialTLSConfig(cfg))
	}
	return append(opts, extra...), nil
}

func (o Options) tlsConfig() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: o.ServerName}
	if (o.CertFile == "") != (o.KeyFile == "") {
		return nil, errors.New("Kafka mTLS: give both a client certificate and its key")
	}
	if o.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(o.CertFile, o.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("Kafka mTLS: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("Kafka CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("Kafka CA: %s holds no PEM certificate", o.CAFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// NewClient returns a franz-go client for o.
func (o Options) NewClient(extra ...kgo.Opt) (*kgo.Client, error) {
	opts, err := o.ClientOpts(extra...)
	if err != nil {
		return nil, err
	}
	return kgo.NewClient(opts...)
}
