// Package registry holds avroctl's client operations against a Confluent-
// compatible Schema Registry: registering a schema set (with references
// derived from the named-type graph), testing compatibility, configuration,
// downloads, listing and deletes. It talks HTTP through franz-go's sr client;
// the embedded server lives in registry/server.
package registry

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
)

// DefaultURL is where a registry is expected when nothing says otherwise.
const DefaultURL = "http://127.0.0.1:8081"

// ClientOptions say how to reach and authenticate with a registry.
type ClientOptions struct {
	URL string
	// Basic auth, or a bearer token (not both).
	Username, Password string
	Token              string
	// mTLS: client certificate and key, and the CA that signed the server.
	CertFile, KeyFile, CAFile string
	// Timeout bounds each HTTP attempt (default 30s).
	Timeout time.Duration
	// Retries is how many times a request is retried after a 5xx reply or
	// a connection error (0 means the default, 4; negative means never).
	// 4xx replies are never retried. The wait doubles from RetryBackoff
	// (default 200ms), with jitter.
	Retries      int
	RetryBackoff time.Duration
}

// Environment variables ClientOptionsFromEnv reads.
const (
	EnvURL      = "REGISTRY_URL"
	EnvUsername = "REGISTRY_USERNAME"
	EnvPassword = "REGISTRY_PASSWORD"
	EnvToken    = "REGISTRY_TOKEN"
	EnvCertFile = "REGISTRY_CERT_FILE"
	EnvKeyFile  = "REGISTRY_KEY_FILE"
	EnvCAFile   = "REGISTRY_CA_FILE"
)

// ClientOptionsFromEnv fills options from the REGISTRY_* variables; the URL
// defaults to DefaultURL.
func ClientOptionsFromEnv(getenv func(string) string) ClientOptions {
	if getenv == nil {
		getenv = os.Getenv
	}
	o := ClientOptions{
		URL:      getenv(EnvURL),
		Username: getenv(EnvUsername),
		Password: getenv(EnvPassword),
		Token:    getenv(EnvToken),
		CertFile: getenv(EnvCertFile),
		KeyFile:  getenv(EnvKeyFile),
		CAFile:   getenv(EnvCAFile),
	}
	if o.URL == "" {
		o.URL = DefaultURL
	}
	return o
}

// String describes the options without secrets, for logs and errors.
func (o ClientOptions) String() string {
	auth := "none"
	switch {
	case o.Token != "":
		auth = "bearer token"
	case o.Username != "":
		auth = "basic (user " + o.Username + ")"
	}
	if o.CertFile != "" {
		auth += ", client certificate " + o.CertFile
	}
	return fmt.Sprintf("%s (auth: %s)", o.URL, auth)
}

// NewClient returns a franz-go sr client for o, with timeouts and retries.
func NewClient(o ClientOptions) (*sr.Client, error) {
	if o.URL == "" {
		o.URL = DefaultURL
	}
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("registry URL %q: want http(s)://host[:port]", redact(o.URL))
	}
	// Credentials in the URL become basic auth, and the URL loses them, so
	// that error messages (which quote the URL) never show them.
	if u.User != nil {
		if o.Username == "" {
			o.Username = u.User.Username()
			o.Password, _ = u.User.Password()
		}
		u.User = nil
		o.URL = u.String()
	}
	if o.Token != "" && o.Username != "" {
		return nil, errors.New("registry auth: give a username/password or a token, not both")
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Retries == 0 {
		o.Retries = 4
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = 200 * time.Millisecond
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	if o.CertFile != "" || o.KeyFile != "" || o.CAFile != "" {
		cfg, err := tlsConfig(o)
		if err != nil {
			return nil, err
		}
		base.TLSClientConfig = cfg
	}
	httpcl := &http.Client{
		Transport: &retryTransport{next: base, retries: o.Retries, backoff: o.RetryBackoff, timeout: o.Timeout},
	}
	opts := []sr.ClientOpt{sr.URLs(strings.TrimRight(o.URL, "/")), sr.HTTPClient(httpcl), sr.UserAgent("avroctl")}
	switch {
	case o.Token != "":
		opts = append(opts, sr.BearerToken(o.Token))
	case o.Username != "":
		opts = append(opts, sr.BasicAuth(o.Username, o.Password))
	}
	return sr.NewClient(opts...)
}

func tlsConfig(o ClientOptions) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if (o.CertFile == "") != (o.KeyFile == "") {
		return nil, errors.New("registry mTLS: give both a client certificate and its key")
	}
	if o.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(o.CertFile, o.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("registry mTLS: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("registry CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("registry CA: %s holds no PEM certificate", o.CAFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// retryTransport retries a request after a connection error or a 5xx
// reply, waiting twice as long each time. 4xx replies are answers, never
// retried. Every call the client makes is safe to repeat: registration is
// idempotent, deletes of an already deleted version fail cleanly.
type retryTransport struct {
	next    http.RoundTripper
	retries int
	backoff time.Duration
	timeout time.Duration
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	wait := t.backoff
	// A body that cannot be produced again cannot be retried.
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	for attempt := 0; ; attempt++ {
		r := req
		if attempt > 0 {
			r = req.Clone(req.Context())
			if req.GetBody != nil {
				body, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				r.Body = body
			}
		}
		ctx, cancel := context.WithTimeout(r.Context(), t.timeout)
		resp, err := t.next.RoundTrip(r.WithContext(ctx))
		retry := replayable && attempt < t.retries && req.Context().Err() == nil && retryable(resp, err)
		if !retry {
			if resp != nil {
				// The body is read after RoundTrip returns; cancel with it.
				resp.Body = cancelOnClose{resp.Body, cancel}
			} else {
				cancel()
			}
			return resp, err
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
		}
		cancel()
		jitter := time.Duration(rand.Int64N(int64(wait)/2 + 1))
		select {
		case <-time.After(wait + jitter):
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
		wait *= 2
	}
}

func retryable(resp *http.Response, err error) bool {
	if err != nil {
		var ne net.Error
		return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
			strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "connection reset")
	}
	return resp.StatusCode >= 500
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// redact hides the password of a URL that does not parse well enough for
// url.URL.Redacted.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	if i := strings.LastIndex(raw, "@"); i >= 0 {
		return "xxxxx@" + raw[i+1:]
	}
	return raw
}

// ErrorCode returns the registry's error_code in err, or 0.
func ErrorCode(err error) int {
	var re *sr.ResponseError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return 0
}
