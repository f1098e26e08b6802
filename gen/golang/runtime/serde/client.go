package serde

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// contentType is what the Confluent REST API sends and accepts.
const contentType = "application/vnd.schemaregistry.v1+json"

// Bounds on what the client reads, so that a misbehaving server cannot make
// it buffer without limit. The embedded registry accepts schemas up to
// 16 MiB; error bodies are only ever a short JSON object.
const (
	maxBodyBytes      = 17 << 20
	maxErrorBodyBytes = 64 << 10
)

// codeNotRegistry marks a RegistryError for an answer that is not the
// registry API at all (a proxy's HTML page, a truncated body).
const codeNotRegistry = -1

// DefaultTimeout bounds each registry request when ClientOptions.Timeout is
// zero. It is generous because a cold registry (or its store) may be slow,
// and the serde calls the registry only on cache misses.
const DefaultTimeout = 10 * time.Second

// ClientOptions configure a Client. Only URL is required.
type ClientOptions struct {
	// URL is the registry's base URL, e.g. "http://127.0.0.1:8081".
	URL string
	// Username and Password, when Username is set, authenticate with HTTP
	// basic auth (Confluent Cloud: API key and secret).
	Username, Password string
	// BearerToken, when set, is sent as "Authorization: Bearer <token>".
	// It takes precedence over basic auth.
	BearerToken string
	// Timeout bounds each request, including reading the answer. Zero means
	// DefaultTimeout; negative means no timeout beyond the context's.
	Timeout time.Duration
	// HTTPClient sends the requests; nil means a client of its own.
	HTTPClient *http.Client
	// UserAgent is sent with every request; empty means "avroctl-serde".
	UserAgent string
}

// Client is a minimal Confluent Schema Registry client: the calls a serde
// needs, over net/http. It is safe for concurrent use.
type Client struct {
	base    string // without a trailing slash
	opts    ClientOptions
	httpCli *http.Client
}

var (
	_ Registry     = (*Client)(nil)
	_ GUIDRegistry = (*Client)(nil)
)

// NewClient returns a client for the registry at opts.URL.
func NewClient(opts ClientOptions) (*Client, error) {
	u, err := url.Parse(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("serde: registry URL %q: %v", opts.URL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("serde: registry URL %q: want http://host:port or https://host:port", opts.URL)
	}
	c := &Client{base: strings.TrimRight(opts.URL, "/"), opts: opts, httpCli: opts.HTTPClient}
	if c.httpCli == nil {
		c.httpCli = &http.Client{}
	}
	if c.opts.Timeout == 0 {
		c.opts.Timeout = DefaultTimeout
	}
	if c.opts.UserAgent == "" {
		c.opts.UserAgent = "avroctl-serde"
	}
	return c, nil
}

// SchemaByID implements Registry.
func (c *Client) SchemaByID(ctx context.Context, id int) (SubjectSchema, error) {
	var out SubjectSchema
	err := c.do(ctx, http.MethodGet, "/schemas/ids/"+strconv.Itoa(id), nil, &out)
	out.ID = id
	return out, err
}

// SchemaByGUID implements GUIDRegistry.
func (c *Client) SchemaByGUID(ctx context.Context, guid GUID) (SubjectSchema, error) {
	var out SubjectSchema
	err := c.do(ctx, http.MethodGet, "/schemas/guids/"+guid.String(), nil, &out)
	out.ID = 0
	return out, err
}

// SchemaByVersion implements Registry.
func (c *Client) SchemaByVersion(ctx context.Context, subject string, version int) (SubjectSchema, error) {
	var out SubjectSchema
	err := c.do(ctx, http.MethodGet, "/subjects/"+url.PathEscape(subject)+"/versions/"+strconv.Itoa(version), nil, &out)
	return out, err
}

// LookupSchema implements Registry.
func (c *Client) LookupSchema(ctx context.Context, subject string, s Schema) (SubjectSchema, error) {
	var out SubjectSchema
	err := c.do(ctx, http.MethodPost, "/subjects/"+url.PathEscape(subject), s, &out)
	return out, err
}

// RegisterSchema implements Registry.
func (c *Client) RegisterSchema(ctx context.Context, subject string, s Schema) (int, error) {
	var out struct {
		ID int `json:"id"`
	}
	err := c.do(ctx, http.MethodPost, "/subjects/"+url.PathEscape(subject)+"/versions", s, &out)
	return out.ID, err
}

// do sends one request and decodes a 2xx answer into into. Every failure is
// a *RegistryError.
func (c *Client) do(ctx context.Context, method, path string, in, into any) error {
	u := c.base + path
	fail := func(status, code int, msg string, err error) error {
		return &RegistryError{Method: method, URL: u, StatusCode: status, Code: code, Message: msg, Err: err}
	}
	if c.opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.opts.Timeout)
		defer cancel()
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fail(0, 0, "", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fail(0, 0, "", err)
	}
	req.Header.Set("Accept", contentType+", application/json")
	if in != nil {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	switch {
	case c.opts.BearerToken != "":
		req.Header.Set("Authorization", "Bearer "+c.opts.BearerToken)
	case c.opts.Username != "":
		req.SetBasicAuth(c.opts.Username, c.opts.Password)
	}
	resp, err := c.httpCli.Do(req)
	if err != nil {
		return fail(0, 0, "", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBodyBytes))
		var e struct {
			Code    int    `json:"error_code"`
			Message string `json:"message"`
		}
		if json.Unmarshal(raw, &e) == nil && e.Code != 0 {
			return fail(resp.StatusCode, e.Code, e.Message, nil)
		}
		return fail(resp.StatusCode, 0, strings.TrimSpace(string(raw)), nil)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return fail(0, 0, "", err)
	}
	if len(raw) > maxBodyBytes {
		return fail(resp.StatusCode, codeNotRegistry, fmt.Sprintf("answer larger than %d bytes", maxBodyBytes), nil)
	}
	if err := json.Unmarshal(raw, into); err != nil {
		return fail(resp.StatusCode, codeNotRegistry, "answer is not registry JSON: "+err.Error(), nil)
	}
	return nil
}
