// Package cli holds the flag and file plumbing the example commands share.
package cli

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"time"

	"gitlab.com/acme/avroctl/gen/golang/runtime/serde"
)

// Registry holds the registry connection flags.
type Registry struct {
	url, user, password, token *string
	timeout                    *time.Duration
}

// RegistryFlags defines --registry, --registry-user, --registry-password,
// --registry-token and --registry-timeout on fs. The environment variables
// REGISTRY_URL, REGISTRY_USER, REGISTRY_PASSWORD and REGISTRY_TOKEN give
// the defaults, so secrets need not appear on command lines.
func RegistryFlags(fs *flag.FlagSet) *Registry {
	env := func(k, def string) string {
		if v := os.Getenv(k); v != "" {
			return v
		}
		return def
	}
	return &Registry{
		url:      fs.String("registry", env("REGISTRY_URL", "http://127.0.0.1:8081"), "schema registry URL"),
		user:     fs.String("registry-user", env("REGISTRY_USER", ""), "basic auth user (API key)"),
		password: fs.String("registry-password", env("REGISTRY_PASSWORD", ""), "basic auth password (API secret)"),
		token:    fs.String("registry-token", env("REGISTRY_TOKEN", ""), "bearer token"),
		timeout:  fs.Duration("registry-timeout", serde.DefaultTimeout, "timeout of each registry request"),
	}
}

// Client returns the registry client the flags describe.
func (r *Registry) Client() (*serde.Client, error) {
	return serde.NewClient(serde.ClientOptions{URL: *r.url, Username: *r.user, Password: *r.password,
		BearerToken: *r.token, Timeout: *r.timeout})
}

// WriteOutput runs fn on stdout when path is "-", else on a temporary file
// renamed to path once fn succeeds, so path is never left half-written.
func WriteOutput(path string, stdout io.Writer, fn func(io.Writer) error) error {
	if path == "-" {
		return fn(stdout)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // no-op after a successful rename
	if err := fn(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// WriteOptional is WriteOutput for an optional file: an empty path runs fn
// with a nil writer.
func WriteOptional(path string, fn func(io.Writer) error) error {
	if path == "" {
		return fn(nil)
	}
	return WriteOutput(path, nil, fn)
}
