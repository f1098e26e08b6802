package store

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
)

// MetaFile is the data directory's memory of what its log has held. It
// survives what the log may not (damage, a repair, a deleted or emptied
// log), so that a registry never starts empty by accident and never hands
// out an id twice. It is small and rewritten atomically (temp file, fsync,
// rename, fsync of the directory), and only when ids cross a reserved block.
const MetaFile = "registry.meta"

const metaFormat = "avroctl-registry-meta v1"

// idReserveBlock is how many ids past the highest one used the meta file
// reserves at a time: one meta write per this many new schemas.
const idReserveBlock = 1000

type meta struct {
	Format string `json:"format"`
	// Used is set before the log's first record is written: from then on a
	// missing or empty log is a loss, not a new registry.
	Used bool `json:"used"`
	// IDCeiling is at least every id a record of the log has used: it is
	// raised here before a record uses an id above it. After records are
	// lost, ids continue above it.
	IDCeiling int `json:"idCeiling"`
}

// readMeta reads dir's meta file; ok is false when there is none.
func readMeta(dir string) (m meta, ok bool, err error) {
	path := filepath.Join(dir, MetaFile)
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return meta{Format: metaFormat}, false, nil
	}
	if err != nil {
		return m, false, err
	}
	if err := json.Unmarshal(b, &m); err != nil || m.Format != metaFormat || m.IDCeiling < 0 {
		return m, false, fmt.Errorf("%s: not an avroctl registry meta file (want a JSON object with \"format\": %q); restore it from a backup, or delete it to rebuild it from the log (the ids of records lost before then are unknown)", path, metaFormat)
	}
	return m, true, nil
}

// writeMeta replaces dir's meta file atomically.
func writeMeta(dir string, m meta) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, MetaFile), append(b, '\n'))
}

// ceilingFor returns the id ceiling to reserve for ids up to id: a block
// above it, within the ids the wire format carries (1..2^31-1).
func ceilingFor(id int) int {
	if id >= math.MaxInt32-idReserveBlock {
		return max(id, math.MaxInt32)
	}
	return id + idReserveBlock
}
