package kafkaconn

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"gitlab.com/acme/avroctl/gen/testcert"
)

func TestFromEnv(t *testing.T) {
	env := map[string]string{
		EnvBootstrap:        " a:9092, b:9093 ,",
		EnvSASLMechanism:    "plain",
		EnvJAASUsername:     "svc",
		EnvJAASPassword:     "s3cret",
		EnvSecurityProtocol: "SASL_SSL",
	}
	o := FromEnv(func(k string) string { return env[k] })
	if strings.Join(o.Brokers, ",") != "a:9092,b:9093" || o.SASLMechanism != "PLAIN" || o.Username != "svc" || o.Password != "s3cret" || !o.TLS {
		t.Fatalf("FromEnv = %+v", o)
	}
	if s := o.String(); strings.Contains(s, "s3cret") || !strings.Contains(s, "user svc") {
		t.Errorf("String() = %q: it must name the user and never the password", s)
	}
}

func TestClientOptsErrors(t *testing.T) {
	cases := []struct {
		o    Options
		want string
	}{
		{Options{}, "no bootstrap servers"},
		{Options{Brokers: []string{"localhost"}}, `bootstrap server "localhost": want host:port`},
		{Options{Brokers: []string{"h:1"}, SASLMechanism: "PLAIN", Username: "u"}, "needs a user"},
		{Options{Brokers: []string{"h:1"}, SASLMechanism: "GSSAPI", Username: "u", Password: "p"}, `SASL mechanism "GSSAPI"`},
		{Options{Brokers: []string{"h:1"}, TLS: true, CertFile: "c.pem"}, "give both a client certificate and its key"},
		{Options{Brokers: []string{"h:1"}, SASLMechanism: "PLAIN", Username: "u", PasswordFile: "/nonexistent/pw"}, "SASL password file"},
		{Options{Brokers: []string{"h:1"}, Username: "u", Password: "s3cret"}, "SASL credentials are set but no mechanism"},
	}
	for _, c := range cases {
		_, err := c.o.ClientOpts()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want %q", c.o, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

// TestSASL connects to a kfake cluster with SASL on: the right password
// (read from a file, as CI passes secrets) is accepted, a wrong one is not.
func TestSASL(t *testing.T) {
	for _, mech := range Mechanisms {
		t.Run(mech, func(t *testing.T) {
			c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.Superuser(mech, "admin", "s3cret"), kfake.Ports(0))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(c.Close)
			pw := filepath.Join(t.TempDir(), "pw")
			if err := os.WriteFile(pw, []byte("s3cret\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			good := Options{Brokers: c.ListenAddrs(), SASLMechanism: mech, Username: "admin", PasswordFile: pw}
			if err := ping(good); err != nil {
				t.Fatalf("right password: %v", err)
			}
			bad := good
			bad.PasswordFile, bad.Password = "", "wrong"
			if err := ping(bad); err == nil {
				t.Fatalf("a wrong password was accepted")
			}
		})
	}
}

// TestMutualTLS connects to a kfake cluster that requires a client
// certificate: with the CA, certificate and key it works; without the
// certificate the broker refuses the connection.
func TestMutualTLS(t *testing.T) {
	dir := t.TempDir()
	ca, caKey := testcert.Pair(t, dir, "ca", true, nil, nil)
	testcert.Pair(t, dir, "broker", false, ca, caKey)
	testcert.Pair(t, dir, "client", false, ca, caKey)
	srv, err := tls.LoadX509KeyPair(filepath.Join(dir, "broker.pem"), filepath.Join(dir, "broker-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(0),
		kfake.TLS(&tls.Config{Certificates: []tls.Certificate{srv}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	good := Options{Brokers: c.ListenAddrs(), TLS: true, CAFile: filepath.Join(dir, "ca.pem"),
		CertFile: filepath.Join(dir, "client.pem"), KeyFile: filepath.Join(dir, "client-key.pem")}
	if err := ping(good); err != nil {
		t.Fatalf("mTLS: %v", err)
	}
	noCert := good
	noCert.CertFile, noCert.KeyFile = "", ""
	if err := ping(noCert); err == nil {
		t.Fatal("a client without a certificate was accepted")
	}
	noCA := good
	noCA.CAFile = ""
	if err := ping(noCA); err == nil {
		t.Fatal("a broker certificate from an unknown CA was accepted")
	}
}

// ping connects with o and asks a broker for its metadata.
func ping(o Options) error {
	cl, err := o.NewClient(kgo.RetryTimeout(2 * time.Second))
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return cl.Ping(ctx)
}
