package main

import (
	"strings"

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

// kafkaConnFlags binds the connection flags. The environment is read when
// the options are made (options()), so that help names each variable once
// instead of also printing its value; a flag given wins over its variable.
type kafkaConnFlags struct {
	opts    kafkaconn.Options
	brokers []string
}

func (f *kafkaConnFlags) bind(cmd *cobra.Command) {
	fl := cmd.PersistentFlags()
	fl.StringSliceVar(&f.brokers, kafkaFlagBootstrap, nil, "Kafka bootstrap servers host:port,... (default $"+kafkaconn.EnvBootstrap+")")
	fl.StringVar(&f.opts.SASLMechanism, kafkaFlagSASLMechanism, "", "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (default $"+kafkaconn.EnvSASLMechanism+")")
	fl.StringVar(&f.opts.Username, kafkaFlagSASLUsername, "", "SASL user (default $"+kafkaconn.EnvUsername+"; the password comes from $"+kafkaconn.EnvPassword+" or a file)")
	fl.StringVar(&f.opts.PasswordFile, kafkaFlagSASLPassFile, "", "file holding the SASL password (default $"+kafkaconn.EnvPasswordFile+")")
	fl.BoolVar(&f.opts.TLS, kafkaFlagTLS, false, "connect with TLS (or $"+kafkaconn.EnvTLS+"=true)")
	fl.StringVar(&f.opts.CAFile, kafkaFlagTLSCA, "", "CA certificate of the brokers (PEM; default $"+kafkaconn.EnvCAFile+")")
	fl.StringVar(&f.opts.CertFile, kafkaFlagTLSCert, "", "client certificate for mTLS (PEM; default $"+kafkaconn.EnvCertFile+")")
	fl.StringVar(&f.opts.KeyFile, kafkaFlagTLSKey, "", "client key for mTLS (PEM; default $"+kafkaconn.EnvKeyFile+")")
	fl.StringVar(&f.opts.ServerName, kafkaFlagTLSServerName, "", "server name to verify, when it differs from the host (default $"+kafkaconn.EnvServerName+")")
	cmd.RegisterFlagCompletionFunc(kafkaFlagSASLMechanism, cobra.FixedCompletions(kafkaconn.Mechanisms, cobra.ShellCompDirectiveNoFileComp))
}

// options returns the connection options: the flags given, else the
// environment's values.
func (f *kafkaConnFlags) options() kafkaconn.Options {
	env := kafkaconn.FromEnv(nil)
	o := f.opts
	for _, v := range []struct {
		dst *string
		env string
	}{
		{&o.SASLMechanism, env.SASLMechanism}, {&o.Username, env.Username}, {&o.PasswordFile, env.PasswordFile},
		{&o.CAFile, env.CAFile}, {&o.CertFile, env.CertFile}, {&o.KeyFile, env.KeyFile}, {&o.ServerName, env.ServerName},
	} {
		if *v.dst == "" {
			*v.dst = v.env
		}
	}
	o.SASLMechanism = strings.ToUpper(o.SASLMechanism)
	o.Password = env.Password
	o.TLS = o.TLS || env.TLS
	o.Brokers = nil
	for _, b := range f.brokers {
		o.Brokers = append(o.Brokers, kafkaconn.SplitBrokers(b)...)
	}
	if len(o.Brokers) == 0 {
		o.Brokers = env.Brokers
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
