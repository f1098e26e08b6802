package main

import (
	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"

	"gitlab.com/acme/avroctl/gen/kafkaconn"
)

// Flag names of the Kafka connection, shared by every command that talks
// to Kafka (kafka plan/apply/import, and the runtime commands).
const (
	kafkaFlagBootstrap     = "bootstrap-servers"
	kafkaFlagSASLMechanism = "sasl-mechanism"
	kafkaFlagSASLUsername  = "sasl-username"
	kafkaFlagSASLPassFile  = "sasl-password-file"
	kafkaFlagTLS           = "tls"
	kafkaFlagTLSCA         = "tls-ca"
	kafkaFlagTLSCert       = "tls-cert"
	kafkaFlagTLSKey        = "tls-key"
	kafkaFlagTLSServerName = "tls-server-name"
)

// kafkaConnHelp is the connection paragraph of a command's long help.
const kafkaConnHelp = `Connection: --bootstrap-servers (or $KAFKA_BOOTSTRAP_SERVERS); SASL with
--sasl-mechanism PLAIN|SCRAM-SHA-256|SCRAM-SHA-512 (or $KAFKA_SASL_MECHANISM),
--sasl-username (or $KAFKA_SASL_USERNAME) and the password from
$KAFKA_SASL_PASSWORD or a file (--sasl-password-file, $KAFKA_SASL_PASSWORD_FILE);
there is no password flag, so it never shows in process lists. TLS with --tls
and --tls-ca/--tls-cert/--tls-key (or $KAFKA_TLS, $KAFKA_TLS_CA_FILE, ...).
kafka-gitops's $KAFKA_SASL_JAAS_USERNAME, $KAFKA_SASL_JAAS_PASSWORD and
$KAFKA_SECURITY_PROTOCOL are read too. Secrets are never printed.`

// kafkaConnFlags binds the connection flags over the environment's values.
type kafkaConnFlags struct {
	opts    kafkaconn.Options
	brokers []string
}

func (f *kafkaConnFlags) bind(cmd *cobra.Command) {
	env := kafkaconn.FromEnv(nil)
	f.opts = env
	fl := cmd.PersistentFlags()
	fl.StringSliceVar(&f.brokers, kafkaFlagBootstrap, env.Brokers, "Kafka bootstrap servers host:port,... ($"+kafkaconn.EnvBootstrap+")")
	fl.StringVar(&f.opts.SASLMechanism, kafkaFlagSASLMechanism, env.SASLMechanism, "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 ($"+kafkaconn.EnvSASLMechanism+")")
	fl.StringVar(&f.opts.Username, kafkaFlagSASLUsername, env.Username, "SASL user ($"+kafkaconn.EnvUsername+"; the password comes from $"+kafkaconn.EnvPassword+" or a file)")
	fl.StringVar(&f.opts.PasswordFile, kafkaFlagSASLPassFile, env.PasswordFile, "file holding the SASL password ($"+kafkaconn.EnvPasswordFile+")")
	fl.BoolVar(&f.opts.TLS, kafkaFlagTLS, env.TLS, "connect with TLS ($"+kafkaconn.EnvTLS+")")
	fl.StringVar(&f.opts.CAFile, kafkaFlagTLSCA, env.CAFile, "CA certificate of the brokers (PEM; $"+kafkaconn.EnvCAFile+")")
	fl.StringVar(&f.opts.CertFile, kafkaFlagTLSCert, env.CertFile, "client certificate for mTLS (PEM; $"+kafkaconn.EnvCertFile+")")
	fl.StringVar(&f.opts.KeyFile, kafkaFlagTLSKey, env.KeyFile, "client key for mTLS (PEM; $"+kafkaconn.EnvKeyFile+")")
	fl.StringVar(&f.opts.ServerName, kafkaFlagTLSServerName, env.ServerName, "server name to verify, when it differs from the host ($"+kafkaconn.EnvServerName+")")
	cmd.RegisterFlagCompletionFunc(kafkaFlagSASLMechanism, cobra.FixedCompletions(kafkaconn.Mechanisms, cobra.ShellCompDirectiveNoFileComp))
}

// options returns the connection options the flags and environment give.
func (f *kafkaConnFlags) options() kafkaconn.Options {
	o := f.opts
	o.Brokers = nil
	for _, b := range f.brokers {
		o.Brokers = append(o.Brokers, kafkaconn.SplitBrokers(b)...)
	}
	return o
}

// client returns a franz-go client; bad settings are usage errors.
func (f *kafkaConnFlags) client(extra ...kgo.Opt) (*kgo.Client, error) {
	cl, err := f.options().NewClient(extra...)
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	return cl, nil
}
