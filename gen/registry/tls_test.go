package registry_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http"
	"path/filepath"
	"testing"

	"gitlab.com/acme/avroctl/gen/registry"
	"gitlab.com/acme/avroctl/gen/registry/server"
	"gitlab.com/acme/avroctl/gen/registry/store"
	"gitlab.com/acme/avroctl/gen/testcert"
)

// TestMutualTLS: the client presents its certificate and checks the
// server's against the given CA.
func TestMutualTLS(t *testing.T) {
	dir := t.TempDir()
	ca, caKey := testcert.Pair(t, dir, "ca", true, nil, nil)
	testcert.Pair(t, dir, "server", false, ca, caKey)
	testcert.Pair(t, dir, "client", false, ca, caKey)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	srvCert, err := tls.LoadX509KeyPair(filepath.Join(dir, "server.pem"), filepath.Join(dir, "server-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	st, _ := store.Open("")
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{srvCert}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert,
	})
	if err != nil {
		t.Fatal(err)
	}
	// The refused handshake is expected; keep it out of the test log.
	hs := &http.Server{Handler: server.New(st, server.Options{}), ErrorLog: log.New(io.Discard, "", 0)}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close(); st.Close() })
	u := "https://" + ln.Addr().String()

	cl, err := registry.NewClient(registry.ClientOptions{URL: u, CAFile: filepath.Join(dir, "ca.pem"),
		CertFile: filepath.Join(dir, "client.pem"), KeyFile: filepath.Join(dir, "client-key.pem"), Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := registry.Subjects(context.Background(), cl, false); err != nil {
		t.Fatalf("with a client certificate: %v", err)
	}
	noCert, _ := registry.NewClient(registry.ClientOptions{URL: u, CAFile: filepath.Join(dir, "ca.pem"), Retries: -1})
	if _, err := registry.Subjects(context.Background(), noCert, false); err == nil {
		t.Fatal("a client without a certificate got through")
	}
}
