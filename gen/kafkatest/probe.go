package kafkatest

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"time"
)

// apiVersions sends one ApiVersions v0 request to addr and checks the
// answer: the cheapest request every broker answers, before any SASL
// handshake, so it proves the listener serves the Kafka protocol.
func apiVersions(ctx context.Context, addr string) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	deadline := time.Now().Add(10 * time.Second)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	conn.SetDeadline(deadline)

	const (
		apiKeyAPIVersions = 18
		correlationID     = 0x6b61666b // "kafk"
		clientID          = "kafkatest"
	)
	// Request header v1: api_key, api_version, correlation_id, client_id.
	req := binary.BigEndian.AppendUint16(nil, apiKeyAPIVersions)
	req = binary.BigEndian.AppendUint16(req, 0)
	req = binary.BigEndian.AppendUint32(req, correlationID)
	req = binary.BigEndian.AppendUint16(req, uint16(len(clientID)))
	req = append(req, clientID...)
	msg := binary.BigEndian.AppendUint32(nil, uint32(len(req)))
	if _, err := conn.Write(append(msg, req...)); err != nil {
		return err
	}
	var head [10]byte // size, correlation_id, error_code
	if _, err := io.ReadFull(conn, head[:]); err != nil {
		return fmt.Errorf("reading the ApiVersions answer: %v", err)
	}
	size := binary.BigEndian.Uint32(head[0:])
	if size < 6 || size > 1<<20 {
		return fmt.Errorf("ApiVersions answer of %d bytes: not a Kafka broker", size)
	}
	if got := binary.BigEndian.Uint32(head[4:]); got != correlationID {
		return fmt.Errorf("ApiVersions answer with correlation id %#x, want %#x: not a Kafka broker", got, correlationID)
	}
	if code := int16(binary.BigEndian.Uint16(head[8:])); code != 0 {
		return fmt.Errorf("ApiVersions error code %d", code)
	}
	return nil
}

// brokerCount asks addr for cluster metadata (Metadata v4, no topics) and
// returns how many brokers it knows: what tells a cluster from a set of
// unrelated brokers.
func brokerCount(ctx context.Context, addr string) (int, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	req := binary.BigEndian.AppendUint16(nil, 3) // Metadata
	req = binary.BigEndian.AppendUint16(req, 4)
	req = binary.BigEndian.AppendUint32(req, 1)
	req = binary.BigEndian.AppendUint16(req, 0) // empty client id
	req = binary.BigEndian.AppendUint32(req, 0) // topics: none
	req = append(req, 0)                        // allow_auto_topic_creation false
	msg := binary.BigEndian.AppendUint32(nil, uint32(len(req)))
	if _, err := conn.Write(append(msg, req...)); err != nil {
		return 0, err
	}
	var head [16]byte // size, correlation id, throttle_time_ms, broker count
	if _, err := io.ReadFull(conn, head[:]); err != nil {
		return 0, fmt.Errorf("reading the Metadata answer: %v", err)
	}
	n := int32(binary.BigEndian.Uint32(head[12:]))
	if n < 0 || n > 1000 {
		return 0, fmt.Errorf("Metadata answer with %d brokers: not a Kafka broker", n)
	}
	return int(n), nil
}
