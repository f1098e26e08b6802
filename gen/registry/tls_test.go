package registry_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/gen/registry"
	"gitlab.com/acme/avroctl/gen/registry/server"
	"gitlab.com/acme/avroctl/gen/registry/store"
)

// certPair makes a certificate signed by parent (self-signed when nil) and
// writes it and its key as PEM files into dir.
func certPair(t *testing.T, dir, name string, isCA bool, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IsCA:         isCA, BasicConstraintsValid: true,
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	kb, _ := x509.MarshalECPrivateKey(key)
	os.WriteFile(filepath.Join(dir, name+".pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(filepath.Join(dir, name+"-key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return cert, key
}

// TestMutualTLS: the client presents its certificate and checks the
// server's against the given CA.
func TestMutualTLS(t *testing.T) {
	dir := t.TempDir()
	ca, caKey := certPair(t, dir, "ca", true, nil, nil)
	certPair(t, dir, "server", false, ca, caKey)
	certPair(t, dir, "client", false, ca, caKey)
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
