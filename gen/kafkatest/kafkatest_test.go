package kafkatest

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// TestBroker starts a real Kafka 4.4.0, checks it serves the protocol,
// and restarts it (cleanly, then after a SIGKILL) on the same address.
func TestBroker(t *testing.T) {
	b := Start(t, Options{})
	ctx := context.Background()
	if err := apiVersions(ctx, b.Bootstrap()); err != nil {
		t.Fatal(err)
	}
	if n, err := brokerCount(ctx, b.Bootstrap()); err != nil || n != 1 {
		t.Fatalf("Metadata: %d brokers, %v; want 1", n, err)
	}
	t0 := time.Now()
	if err := b.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("clean restart took %v", time.Since(t0).Round(time.Millisecond))
	if err := b.Kill(); err != nil {
		t.Fatal(err)
	}
	if b.Running() {
		t.Fatal("Running after Kill")
	}
	if err := apiVersions(ctx, b.Bootstrap()); err == nil {
		t.Fatal("ApiVersions answered after Kill")
	}
	if err := b.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if err := apiVersions(ctx, b.Bootstrap()); err != nil {
		t.Fatal(err)
	}
}

// TestCluster starts three brokers that form one cluster, and stops and
// restarts one of them while the others serve.
func TestCluster(t *testing.T) {
	b := Start(t, Options{Brokers: 3})
	ctx := context.Background()
	if got := len(strings.Split(b.Bootstrap(), ",")); got != 3 || b.Nodes() != 3 {
		t.Fatalf("Bootstrap() = %q, want three addresses", b.Bootstrap())
	}
	for _, addr := range b.Addrs() {
		if n, err := brokerCount(ctx, addr); err != nil || n != 3 {
			t.Errorf("%s knows %d brokers (%v), want 3", addr, n, err)
		}
	}
	if err := b.StopNode(2, true); err != nil {
		t.Fatal(err)
	}
	if err := apiVersions(ctx, b.Addrs()[1]); err == nil {
		t.Fatal("node 2 answers after StopNode")
	}
	if err := apiVersions(ctx, b.Addrs()[2]); err != nil {
		t.Fatalf("node 3 stopped with node 2: %v", err)
	}
	if err := b.StartNode(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := apiVersions(ctx, b.Addrs()[1]); err != nil {
		t.Fatal(err)
	}
	if err := b.StopNode(4, false); err == nil {
		t.Error("StopNode(4) of a 3-node cluster succeeded")
	}
}

// TestBrokerSASL starts a broker with SASL/PLAIN users and the
// StandardAuthorizer, and checks that a right password authenticates and
// a wrong one is refused.
func TestBrokerSASL(t *testing.T) {
	b := Start(t, Options{
		Users:      map[string]string{"admin": "admin-secret", "alice": `al"ice\pw`},
		SuperUsers: []string{"admin"},
		Authorizer: true,
	})
	ctx := context.Background()
	for _, c := range []struct {
		user, pass string
		ok         bool
	}{
		{"admin", "admin-secret", true},
		{"alice", `al"ice\pw`, true},
		{"alice", "wrong", false},
		{"mallory", "admin-secret", false},
	} {
		err := saslPlain(ctx, b.Bootstrap(), c.user, c.pass)
		if (err == nil) != c.ok {
			t.Errorf("SASL/PLAIN as %s with password %q: err = %v, want ok = %v", c.user, c.pass, err, c.ok)
		}
	}
}

func TestStartBrokerRejectsBadOptions(t *testing.T) {
	for _, o := range []Options{
		{Authorizer: true},
		{Users: map[string]string{"a": "b"}, SuperUsers: []string{"c"}},
		{Users: map[string]string{"a=b": "c"}},
		{Users: map[string]string{brokerUser: "c"}},
	} {
		if _, err := StartBroker(context.Background(), o); err == nil {
			t.Errorf("StartBroker(%+v) started", o)
		}
	}
}

// saslPlain authenticates on addr with SASL/PLAIN: SaslHandshake v1 then
// SaslAuthenticate v0, written out by hand to keep this package free of a
// Kafka client.
func saslPlain(ctx context.Context, addr, user, pass string) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	call := func(apiKey, version uint16, body []byte) ([]byte, error) {
		req := binary.BigEndian.AppendUint16(nil, apiKey)
		req = binary.BigEndian.AppendUint16(req, version)
		req = binary.BigEndian.AppendUint32(req, 1)
		req = binary.BigEndian.AppendUint16(req, 1)
		req = append(req, 't')
		req = append(req, body...)
		if _, err := conn.Write(append(binary.BigEndian.AppendUint32(nil, uint32(len(req))), req...)); err != nil {
			return nil, err
		}
		var size [4]byte
		if _, err := io.ReadFull(conn, size[:]); err != nil {
			return nil, err
		}
		resp := make([]byte, binary.BigEndian.Uint32(size[:]))
		if _, err := io.ReadFull(conn, resp); err != nil {
			return nil, err
		}
		return resp[4:], nil // after the correlation id
	}
	mech := binary.BigEndian.AppendUint16(nil, 5)
	resp, err := call(17, 1, append(mech, "PLAIN"...))
	if err != nil {
		return err
	}
	if code := binary.BigEndian.Uint16(resp); code != 0 {
		return fmt.Errorf("SaslHandshake error %d", code)
	}
	token := []byte("\x00" + user + "\x00" + pass)
	resp, err = call(36, 0, append(binary.BigEndian.AppendUint32(nil, uint32(len(token))), token...))
	if err != nil {
		return err // the broker may close the connection on failure
	}
	if code := binary.BigEndian.Uint16(resp); code != 0 {
		return fmt.Errorf("SaslAuthenticate error %d", code)
	}
	return nil
}
