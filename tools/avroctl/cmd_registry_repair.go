package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"gitlab.com/acme/avroctl/gen/registry/store"
)

// The store's damage handling, as the CLI shows it: `registry repair`, the
// serve flag that lets a used directory start with an empty log, and what
// serve says about a recovery.

const (
	regFlagAllowEmptyLog = "allow-empty-log"
	regFlagOut           = "out"
	regFlagInPlace       = "in-place"
)

func newRegistryRepairCmd(s *streams) *cobra.Command {
	var data, out string
	var dryRun, inPlace bool
	cmd := &cobra.Command{
		Use:   "repair",
		Short: "Check the embedded registry's log and write a repaired copy",
		Long: `repair is the registry's fsck. The server cuts a damaged final record by
itself (a write torn by a crash), but refuses to start on damage that valid
records follow, and leaves the file as it is. repair reads such a log record
by record and reports what a repair drops: each damaged byte range, with the
subjects, versions and ids still readable in it (unverified), and each intact
record that no longer applies without it. It keeps every other record and
ends the repaired log with reservations, so that no id or version the
dropped records used is handed out again.

The repaired log is written as a copy, to --out (default DIR.repaired, which
must not exist or be empty); the original is never changed, unless
--in-place, which swaps the repaired log in and keeps the original as
registry.log.damaged. --dry-run only reports. It fails while a server holds
the directory.

Exit codes: 0 the log is intact, 1 damage found (reported, and repaired
unless --dry-run), 2 usage error or the log cannot be read.`,
		Example: `  avroctl registry repair --data .avroctl/registry --dry-run
  avroctl registry repair --data .avroctl/registry                 # writes .avroctl/registry.repaired
  avroctl registry repair --data .avroctl/registry --in-place -o json`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			asJSON, err := outputJSON(cmd)
			if err != nil {
				return err
			}
			if data == "" {
				return usageErrorf("--%s is required", regFlagData)
			}
			if _, err := os.Stat(filepath.Join(data, store.LogFile)); err != nil {
				return usageErrorf("%s: no registry log here (%v)", data, err)
			}
			opts := store.RepairOptions{InPlace: inPlace}
			switch {
			case inPlace && (dryRun || out != ""):
				return usageErrorf("--%s excludes --%s and --%s", regFlagInPlace, regFlagDryRun, regFlagOut)
			case dryRun && out != "":
				return usageErrorf("--%s excludes --%s", regFlagDryRun, regFlagOut)
			case !dryRun && !inPlace:
				opts.Out = out
				if opts.Out == "" {
					opts.Out = filepath.Clean(data) + ".repaired"
				}
			}
			rep, err := store.Repair(data, opts)
			if err != nil {
				return usageError{fmt.Errorf("repair: %w", err)}
			}
			if asJSON {
				err = writeJSONOut(s.Out, rep)
			} else {
				err = writeRepairText(s.Out, rep)
			}
			if err != nil {
				return err
			}
			if !rep.Clean() {
				return errFindings
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&data, regFlagData, ".avroctl/registry", "data directory of a stopped registry")
	cmd.Flags().StringVar(&out, regFlagOut, "", "directory for the repaired copy (default: the data directory's path + .repaired)")
	cmd.Flags().BoolVar(&dryRun, regFlagDryRun, false, "only report what a repair would drop")
	cmd.Flags().BoolVar(&inPlace, regFlagInPlace, false, "replace the log in the data directory, keeping the original as registry.log.damaged")
	cmd.MarkFlagDirname(regFlagData)
	cmd.MarkFlagDirname(regFlagOut)
	return cmd
}

// outputJSON reads -o, which the registry command defines for all of its
// subcommands.
func outputJSON(cmd *cobra.Command) (bool, error) {
	f := cmd.Flag(regFlagOutput)
	if f == nil {
		return false, nil
	}
	switch f.Value.String() {
	case "text":
		return false, nil
	case "json":
		return true, nil
	}
	return false, usageErrorf("-o %q: want text or json", f.Value.String())
}

// writeRepairText prints a repair report, one line per finding.
func writeRepairText(w io.Writer, rep *store.RepairReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d bytes, %d intact records\n", rep.Log, rep.Bytes, rep.Records)
	for _, d := range rep.Damaged {
		fmt.Fprintf(&b, "damaged  record %d, bytes %d..%d (%d bytes): %s", d.Record, d.Offset, d.End, d.End-d.Offset, d.Reason)
		if d.Tail {
			b.WriteString(" (a torn final write: the server cuts it by itself)")
		}
		b.WriteString(held(", it held (unverified)", d.Versions, d.IDs))
		b.WriteString("\n")
	}
	for _, d := range rep.Dropped {
		fmt.Fprintf(&b, "dropped  record %d, byte %d: no longer applies: %s%s\n", d.Record, d.Offset, d.Reason, held(", it held", d.Versions, d.IDs))
	}
	for _, e := range rep.Reserved {
		if e.Subject != "" {
			fmt.Fprintf(&b, "reserve  versions of %q up to %d\n", e.Subject, e.Version)
		} else {
			fmt.Fprintf(&b, "reserve  ids up to %d\n", e.ID)
		}
	}
	switch {
	case rep.Clean():
		b.WriteString("the log is intact: nothing to repair\n")
	case rep.Original != "":
		fmt.Fprintf(&b, "kept %d of %d intact records; repaired %s in place, the original is %s\n", rep.Kept, rep.Records, rep.Written, rep.Original)
	case rep.Written != "":
		fmt.Fprintf(&b, "kept %d of %d intact records; wrote %s (the original is unchanged): check it, then serve that directory\n", rep.Kept, rep.Records, rep.Written)
	default:
		fmt.Fprintf(&b, "a repair would keep %d of %d intact records (dry run: nothing written)\n", rep.Kept, rep.Records)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// held lists the subject versions and ids a dropped record held.
func held(prefix string, versions []store.SubjectVersion, ids []int) string {
	var parts []string
	for _, v := range versions {
		if v.Version == 0 {
			parts = append(parts, fmt.Sprintf("%q (version unreadable)", v.Subject))
		} else {
			parts = append(parts, fmt.Sprintf("%q version %d", v.Subject, v.Version))
		}
	}
	for _, id := range ids {
		parts = append(parts, fmt.Sprintf("id %d", id))
	}
	if len(parts) == 0 {
		return ""
	}
	return prefix + ": " + strings.Join(parts, ", ")
}

// openRegistryData opens serve's store, saying how to go on when the data
// directory needs an operator's decision.
func openRegistryData(data string, opts store.Options) (*store.Store, error) {
	st, err := store.OpenWith(data, opts)
	var damage *store.DamageError
	if errors.As(err, &damage) {
		return nil, usageError{fmt.Errorf("open registry data: %w", err)}
	}
	if err != nil {
		return nil, fmt.Errorf("open registry data: %w", err)
	}
	return st, nil
}

// reportRecovery says what opening the store cut, reserved or compacted.
func reportRecovery(w io.Writer, st *store.Store) {
	r := st.Recovered
	if r.TruncatedBytes > 0 {
		fmt.Fprintf(w, "registry: cut a torn final record at byte offset %d (%d bytes: %s); nothing valid followed it\n", r.TruncatedAt, r.TruncatedBytes, r.TruncatedReason)
	}
	if r.StartedEmpty {
		fmt.Fprintf(w, "registry: started with an empty log (--%s)\n", regFlagAllowEmptyLog)
	}
	for _, e := range r.Reserved {
		if e.Subject != "" {
			fmt.Fprintf(w, "registry: versions of %q up to %d stay used\n", e.Subject, e.Version)
		} else {
			fmt.Fprintf(w, "registry: ids up to %d stay used; new ids continue above\n", e.ID)
		}
	}
	if c := r.Compacted; c != nil {
		fmt.Fprintf(w, "registry: compacted the log from %d to %d bytes\n", c.BytesBefore, c.BytesAfter)
	}
}
