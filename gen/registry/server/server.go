// Package server is an embedded, Confluent-compatible Schema Registry for
// Avro: the same REST paths, JSON shapes, status and error codes, backed by
// the durable store in gen/registry/store.
package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/registry/store"
	"gitlab.com/acme/avroctl/gen/schema"
)

// ContentType is the media type of every response, as Confluent sends it.
const ContentType = "application/vnd.schemaregistry.v1+json"

// DefaultMaxBodyBytes bounds request bodies; a larger schema is refused
// with 42209.
const DefaultMaxBodyBytes = 16 << 20

// Options configure a Server. The zero value serves an open, writable
// registry with the gen/compat checker.
type Options struct {
	// BasicAuth, when "user:pass", requires those credentials on every
	// request; Open refuses an empty user or password (ParseBasicAuth).
	BasicAuth string
	// ReadOnly refuses every write, whatever the mode says.
	ReadOnly bool
	// Checker decides compatibility; nil uses gen/compat.
	Checker Checker
	// Logger receives internal errors; nil discards them.
	Logger *slog.Logger
	// MaxBodyBytes bounds request bodies (default DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// Deadlines of the HTTP server (defaults: the Default* constants). A
	// request's headers must arrive within ReadHeaderTimeout and its body
	// within ReadTimeout; the answer must be written within WriteTimeout of
	// the headers; a keep-alive connection is closed after IdleTimeout.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// MaxConns bounds open connections (default DefaultMaxConns); more
	// wait to be accepted.
	MaxConns int
	// MaxBodyBytesInFlight bounds the request body bytes being read at
	// once, over all requests (default DefaultMaxBodyBytesInFlight); a
	// request over it is answered 503 with Retry-After.
	MaxBodyBytesInFlight int64
	// ParseCacheBytes bounds the estimated memory of cached request
	// parses (default DefaultParseCacheBytes).
	ParseCacheBytes int64
}

// Server serves the registry API over a Store.
type Server struct {
	store   *store.Store
	opts    Options
	checker Checker
	log     *slog.Logger
	mux     *http.ServeMux

	// parsed caches parsed schemas by ID: a schema and its references are
	// immutable once registered, so the parse is too.
	parsedMu sync.Mutex
	parsed   map[int]schema.Schema
	// prepared caches, by ID, the parsed schemas readied for transitive
	// checks (compat.Prepare): a registration checks every previous
	// version, and fingerprinting each once keeps that cost down to what
	// differs. Like parsed, it holds one entry per stored schema at most.
	prepared map[int]*compat.Prepared
	// requestCache keeps the parses of schemas without references (see
	// parseCached).
	requestCache *parseCache
	// histories keeps each subject's cross-version index, which proves
	// most transitive checks without visiting every version (see
	// provenCompatible).
	histories historyCache

	// subjects serializes registrations per subject (see handleRegister).
	subjects keyedMutex
	// bodies is the budget of request body bytes in flight.
	bodies *byteBudget

	ln  *limitListener
	srv *http.Server
}

// New returns a server over st.
func New(st *store.Store, opts Options) *Server {
	s := &Server{store: st, opts: opts, checker: opts.Checker, log: opts.Logger,
		mux: http.NewServeMux(), parsed: map[int]schema.Schema{}, prepared: map[int]*compat.Prepared{}}
	if s.checker == nil {
		s.checker = defaultChecker{}
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.opts.MaxBodyBytes <= 0 {
		s.opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if s.opts.ParseCacheBytes <= 0 {
		s.opts.ParseCacheBytes = DefaultParseCacheBytes
	}
	s.requestCache = newParseCache(s.opts.ParseCacheBytes)
	setDefault(&s.opts.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	setDefault(&s.opts.ReadTimeout, DefaultReadTimeout)
	setDefault(&s.opts.WriteTimeout, DefaultWriteTimeout)
	setDefault(&s.opts.IdleTimeout, DefaultIdleTimeout)
	setDefault(&s.opts.MaxConns, DefaultMaxConns)
	setDefault(&s.opts.MaxBodyBytesInFlight, DefaultMaxBodyBytesInFlight)
	s.bodies = &byteBudget{limit: s.opts.MaxBodyBytesInFlight}
	s.registerRoutes()
	return s
}

// setDefault replaces a zero or negative setting by its default.
func setDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// registerRoutes is the route table: every endpoint the server answers.
func (s *Server) registerRoutes() {
	routes := []struct {
		pattern string
		h       func(w http.ResponseWriter, r *http.Request) error
	}{
		{"GET /{$}", s.handleRoot},
		{"GET /schemas/types", s.handleSchemaTypes},
		{"GET /schemas", s.handleSchemas},
		{"GET /schemas/ids/{id}", s.handleSchemaByID},
		{"GET /schemas/ids/{id}/schema", s.handleSchemaTextByID},
		{"GET /schemas/ids/{id}/subjects", s.handleSubjectsByID},
		{"GET /schemas/ids/{id}/versions", s.handleVersionsByID},
		{"GET /schemas/guids/{guid}", s.handleSchemaByGUID},
		{"GET /subjects", s.handleSubjects},
		{"POST /subjects/{subject}", s.handleLookup},
		{"DELETE /subjects/{subject}", s.handleDeleteSubject},
		{"GET /subjects/{subject}/versions", s.handleVersions},
		{"POST /subjects/{subject}/versions", s.handleRegister},
		{"GET /subjects/{subject}/versions/{version}", s.handleVersion},
		{"GET /subjects/{subject}/versions/{version}/schema", s.handleVersionSchema},
		{"GET /subjects/{subject}/versions/{version}/referencedby", s.handleReferencedBy},
		{"DELETE /subjects/{subject}/versions/{version}", s.handleDeleteVersion},
		{"POST /compatibility/subjects/{subject}/versions", s.handleCompatibility},
		{"POST /compatibility/subjects/{subject}/versions/{version}", s.handleCompatibility},
		{"GET /config", s.handleGetConfig},
		{"PUT /config", s.handlePutConfig},
		{"DELETE /config", s.handleDeleteConfig},
		{"GET /config/{subject}", s.handleGetConfig},
		{"PUT /config/{subject}", s.handlePutConfig},
		{"DELETE /config/{subject}", s.handleDeleteConfig},
		{"GET /mode", s.handleGetMode},
		{"PUT /mode", s.handlePutMode},
		{"DELETE /mode", s.handleDeleteMode},
		{"GET /mode/{subject}", s.handleGetMode},
		{"PUT /mode/{subject}", s.handlePutMode},
		{"DELETE /mode/{subject}", s.handleDeleteMode},
	}
	for _, rt := range routes {
		h := rt.h
		s.mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) {
			err := checkSubjectUTF8(r.PathValue("subject"))
			if err == nil {
				err = h(w, r)
			}
			if err != nil {
				s.writeError(w, r, err)
			}
		})
	}
}

// route dispatches r, answering unknown paths and methods with Confluent's
// JSON 404 and 405 rather than net/http's plain text.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.mux.Handler(r); pattern != "" {
		// ServeHTTP, not the returned handler: it sets the path values.
		s.mux.ServeHTTP(w, r)
		return
	}
	for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" {
			s.writeError(w, r, errorf(CodeMethodNotAllowed, "HTTP 405 Method Not Allowed"))
			return
		}
	}
	s.writeError(w, r, errorf(CodeNotFound, "HTTP 404 Not Found"))
}

// ServeHTTP authenticates the request, then routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.opts.BasicAuth != "" && !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="SchemaRegistry"`)
		s.writeError(w, r, errorf(CodeUnauthorized, "Unauthorized"))
		return
	}
	declared := r.ContentLength
	if declared > s.opts.MaxBodyBytes {
		declared = s.opts.MaxBodyBytes
	}
	body := &budgetedBody{ReadCloser: http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes), budget: s.bodies, declared: declared}
	defer body.done()
	r.Body = body
	s.route(w, r)
}

// Open starts serving on addr ("127.0.0.1:0" picks a free port). It refuses
// BasicAuth with an empty user or password.
func (s *Server) Open(addr string) error {
	if s.opts.BasicAuth != "" {
		if _, _, err := ParseBasicAuth(s.opts.BasicAuth); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.ln = newLimitListener(ln, s.opts.MaxConns)
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: s.opts.ReadHeaderTimeout, ReadTimeout: s.opts.ReadTimeout,
		WriteTimeout: s.opts.WriteTimeout, IdleTimeout: s.opts.IdleTimeout}
	go func() {
		if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("serve", "err", err)
		}
	}()
	return nil
}

// Addr returns the address the server listens on, once opened.
func (s *Server) Addr() string {
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// URL returns the base URL of an opened server.
func (s *Server) URL() string { return "http://" + s.Addr() }

// Close stops the listener and waits up to five seconds for requests in
// flight. It does not close the store, which the caller owns.
func (s *Server) Close() error {
	if s.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}

// writeJSON writes v with the registry content type. HTML escaping is off:
// the reference (Jackson) does not escape <, > and & in schema strings.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error_code":50001,"message":"Error while encoding the response"}`)
	}
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(status)
	w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// writeError maps err to the Confluent error body. Only *Error reaches the
// client as is; other errors are logged and reported generically.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *Error
	if !errors.As(err, &e) {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		e = errorf(CodeStoreError, "Error in the backend data store")
	}
	if e.Code == CodeBusy {
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, HTTPStatus(e.Code), errorResponse{ErrorCode: e.Code, Message: e.Message})
}

// decodeBody reads a JSON request body into v.
func decodeBody(r *http.Request, v any) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errorf(CodeSchemaTooLarge, "Request body exceeds %d bytes", tooBig.Limit)
		}
		if errors.Is(err, errBusy) {
			return errorf(CodeBusy, "Too many request bodies in flight; retry later")
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return errorf(CodeRequestTimeout, "Request body not received within the read timeout")
		}
		return errorf(CodeBadRequest, "Cannot read the request body: %v", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return errorf(CodeBadRequest, "Request body is empty")
	}
	// encoding/json would silently turn invalid bytes into U+FFFD, so the
	// registry would store a schema other than the one sent.
	if at := invalidUTF8(data); at >= 0 {
		return errorf(CodeBadRequest, "Request body is not valid UTF-8: byte offset %d (0x%02X); send the JSON as UTF-8", at, data[at])
	}
	if err := json.Unmarshal(data, v); err != nil {
		return errorf(CodeBadRequest, "Unrecognized request body: %v", err)
	}
	return nil
}

// queryBool reads a boolean query parameter ("true", case-insensitive).
func queryBool(r *http.Request, name string) bool {
	return strings.EqualFold(r.URL.Query().Get(name), "true")
}

func (s *Server) handleRoot(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, struct{}{})
	return nil
}

func (s *Server) handleSchemaTypes(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, []string{"AVRO"})
	return nil
}

// storeErr wraps a store failure for the client: a generic 50001 with the
// cause logged. A record too large for the log is the request's fault, not
// the store's: it is Confluent's 42209 (HTTP 422, "Schema too large", which
// Confluent answers when a schema exceeds what its _schemas topic takes),
// as for a body over the limit; 413 would say the body was too large, and
// it was not.
func storeErr(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var tooLarge *store.RecordTooLargeError
	if errors.As(err, &tooLarge) {
		return errorf(CodeSchemaTooLarge, "Schema too large: %v", tooLarge)
	}
	return fmt.Errorf("store: %w", err)
}
