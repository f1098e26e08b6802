package registrytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// The load harness: plain HTTP against any registry URL, so the embedded
// server and third-party registries are measured the same way. Run with
// -cpu or b.SetParallelism to vary the number of concurrent clients;
// the ops/s metric is requests answered per second of wall time.

// benchClient keeps enough idle connections for every parallel client.
func benchClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 512
	tr.MaxIdleConnsPerHost = 512
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

func post(cl *http.Client, url string, v any) (int, []byte, error) {
	body, _ := json.Marshal(v)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	resp, err := cl.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func put(cl *http.Client, url, body string) error {
	req, _ := http.NewRequest("PUT", url, bytes.NewReader([]byte(body)))
	req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	resp, err := cl.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("PUT %s: status %d", url, resp.StatusCode)
	}
	return nil
}

// benchSchema is a distinct record per n.
func benchSchema(prefix string, n int64) map[string]string {
	return map[string]string{"schema": fmt.Sprintf(
		`{"type":"record","name":"R%d","namespace":"%s","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"},{"name":"tags","type":{"type":"array","items":"string"}}]}`, n, prefix)}
}

// BenchRegister measures registrations of new schemas, each into its own
// new version of one subject per parallel client (compatibility NONE, so
// the check does not dominate).
func BenchRegister(b *testing.B, url string) {
	cl := benchClient()
	prefix := randomPrefix()
	if err := put(cl, url+"/config", `{"compatibility":"NONE"}`); err != nil {
		b.Fatal(err)
	}
	var seq, clients atomic.Int64
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		subject := fmt.Sprintf("%s-%d-value", prefix, clients.Add(1))
		for pb.Next() {
			status, body, err := post(cl, url+"/subjects/"+subject+"/versions", benchSchema(prefix, seq.Add(1)))
			if err != nil || status != 200 {
				b.Errorf("register: %d %s %v", status, body, err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "registrations/s")
}

// BenchLookup measures POST /subjects/{subject} (is this schema
// registered?), what a serializer does with auto-registration off.
func BenchLookup(b *testing.B, url string) {
	cl := benchClient()
	prefix := randomPrefix()
	subject := prefix + "-lookup-value"
	sc := benchSchema(prefix, 0)
	if status, body, err := post(cl, url+"/subjects/"+subject+"/versions", sc); err != nil || status != 200 {
		b.Fatalf("register: %d %s %v", status, body, err)
	}
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			status, body, err := post(cl, url+"/subjects/"+subject, sc)
			if err != nil || status != 200 {
				b.Errorf("lookup: %d %s %v", status, body, err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "lookups/s")
}
