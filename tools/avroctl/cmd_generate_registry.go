package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"gitlab.com/acme/avroctl/gen/lockfile"
	"gitlab.com/acme/avroctl/gen/registry"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Flag names of `generate --from-registry`.
const (
	genFlagFromRegistry     = "from-registry"
	genFlagLock             = "lock"
	genFlagUpdateLock       = "update-lock"
	genFlagRegistryURL      = "registry-url"
	genFlagRegistryUser     = "registry-username"
	genFlagRegistryPassFile = "registry-password-file"
)

const fromRegistryHelp = `With --from-registry, the arguments are registry subjects, SUBJECT or
SUBJECT@VERSION (@latest is the default): for a team that consumes contracts
it does not own. Each subject's schema and its references (recursively) are
read from the registry and generated like a schemas folder. The versions used
are pinned in avroctl.lock (--lock): per subject version, its id and a
fingerprint, "sha256:" + the SHA-256 of its Parsing Canonical Form with its
references resolved. With a lock present the pinned versions are used, so
the build is reproducible, and each one's fingerprint is checked: a
different content under a pinned version (a subject deleted and registered
again, another registry) exits 1 and generates nothing. --update-lock asks
the registry for the latest versions again and rewrites the lock. The lock is
JSON, deterministic, written atomically after the code.

The registry: --registry-url (default $REGISTRY_URL, else
http://127.0.0.1:8081), basic auth with --registry-username (or
$REGISTRY_USERNAME) and the password from $REGISTRY_PASSWORD or
--registry-password-file, never from the command line; a bearer token from
$REGISTRY_TOKEN; mTLS from $REGISTRY_CERT_FILE, $REGISTRY_KEY_FILE,
$REGISTRY_CA_FILE.`

// registryGenerate holds generate's --from-registry flags.
type registryGenerate struct {
	on         bool
	subjects   []string
	lockPath   string
	updateLock bool
	url        string
	username   string
	passFile   string
}

func (r *registryGenerate) bind(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&r.on, genFlagFromRegistry, false, "generate from registry subjects given as arguments (SUBJECT[@VERSION]), pinned in avroctl.lock")
	f.StringVar(&r.lockPath, genFlagLock, lockfile.FileName, "with --from-registry: the lock file")
	f.BoolVar(&r.updateLock, genFlagUpdateLock, false, "with --from-registry: resolve @latest again and rewrite the lock")
	f.StringVar(&r.url, genFlagRegistryURL, "", "with --from-registry: registry URL (default $"+registry.EnvURL+", else "+registry.DefaultURL+")")
	f.StringVar(&r.username, genFlagRegistryUser, "", "with --from-registry: basic auth user (default $"+registry.EnvUsername+"; password from $"+registry.EnvPassword+" or --"+genFlagRegistryPassFile+")")
	f.StringVar(&r.passFile, genFlagRegistryPassFile, "", "with --from-registry: file holding the basic auth password (instead of $"+registry.EnvPassword+")")
}

// completeSubjects completes generate's arguments with --from-registry:
// the registry's subjects (asked with generate's own --registry-* flags and
// the REGISTRY_* variables), leaving out those already given. Without --from-registry generate takes no arguments.
func (r *registryGenerate) completeSubjects(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if !r.on {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	o, err := r.clientOptions()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	given := map[string]bool{}
	for _, a := range args {
		given[strings.SplitN(a, "@", 2)[0]] = true
	}
	return registrySubjects(o, given, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// refuseWithout: the registry flags mean nothing without --from-registry.
func (r *registryGenerate) refuseWithout(cmd *cobra.Command) error {
	for _, name := range []string{genFlagLock, genFlagUpdateLock, genFlagRegistryURL, genFlagRegistryUser, genFlagRegistryPassFile} {
		if cmd.Flags().Changed(name) {
			return usageErrorf("--%s goes with --%s SUBJECT...", name, genFlagFromRegistry)
		}
	}
	return nil
}

func (r *registryGenerate) clientOptions() (registry.ClientOptions, error) {
	o := registry.ClientOptionsFromEnv(nil)
	if r.url != "" {
		o.URL = r.url
	}
	if r.username != "" {
		o.Username = r.username
	}
	if r.passFile != "" {
		b, err := os.ReadFile(r.passFile)
		if err != nil {
			return o, usageErrorf("--%s: %v", genFlagRegistryPassFile, err)
		}
		o.Password = strings.TrimRight(string(b), "\r\n")
	}
	if o.Username != "" && o.Password == "" {
		return o, usageErrorf("registry user %q has no password: set $%s or --%s", o.Username, registry.EnvPassword, genFlagRegistryPassFile)
	}
	return o, nil
}

// load resolves the subjects (through the lock unless --update-lock) and
// returns their named types, and the function that writes the new lock
// once the code is generated (nil when the lock does not change). A
// fingerprint mismatch is a finding (exit 1): nothing is generated.
func (r *registryGenerate) load(s *streams, check bool) ([]schema.NamedSchema, func() error, error) {
	var specs []lockfile.Spec
	for _, a := range r.subjects {
		sp, err := lockfile.ParseSpec(a)
		if err != nil {
			return nil, nil, usageErrorf("--%s %v", genFlagFromRegistry, err)
		}
		specs = append(specs, sp)
	}
	old, err := lockfile.Read(r.lockPath)
	if err != nil {
		return nil, nil, usageError{err}
	}
	opts, err := r.clientOptions()
	if err != nil {
		return nil, nil, err
	}
	cl, err := registry.NewClient(opts)
	if err != nil {
		return nil, nil, usageErrorf("%v", err)
	}
	res, err := lockfile.Resolve(context.Background(), cl, specs, old, r.updateLock)
	if err != nil {
		var nf *lockfile.NotFoundError
		if errors.As(err, &nf) {
			return nil, nil, usageErrorf("%v (registry %s)", err, redactURL(opts.URL))
		}
		return nil, nil, fmt.Errorf("registry %s: %w", redactURL(opts.URL), err)
	}
	if len(res.Mismatches) > 0 {
		for _, m := range res.Mismatches {
			fmt.Fprintf(s.Err, "%s: %s\n", r.lockPath, m)
		}
		fmt.Fprintf(s.Err, "%s: the registry's content under a pinned version changed (deleted and registered again, or another registry than the lock was made with); nothing generated. Check with the contract's owners which is right; to accept the registry's, run again with --%s\n", r.lockPath, genFlagUpdateLock)
		return nil, nil, errFindings
	}
	next := res.Lock.Marshal()
	var prev []byte
	if old != nil {
		prev = old.Marshal()
	}
	if bytes.Equal(prev, next) {
		return res.Schemas, nil, nil
	}
	if check {
		state := "is stale"
		if old == nil {
			state = "does not exist"
		}
		fmt.Fprintf(s.Err, "%s %s: run avroctl generate --%s without --check\n", r.lockPath, state, genFlagFromRegistry)
		return res.Schemas, nil, errFindings
	}
	return res.Schemas, func() error {
		if err := res.Lock.Write(r.lockPath); err != nil {
			return err
		}
		fmt.Fprintf(s.Err, "wrote %s (%d subject versions)\n", r.lockPath, len(res.Lock.Subjects))
		return nil
	}, nil
}
