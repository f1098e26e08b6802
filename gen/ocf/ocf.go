// Package ocf reads and writes Avro Object Container Files (the Avro
// specification's "Object Container Files", as Java's DataFileStream and
// DataFileWriter read and write them): the magic "Obj\x01", a metadata map
// (avro.schema, avro.codec, user keys), a 16-byte sync marker, then blocks
// of a record count, a byte size, the (compressed) datums and the sync
// marker again.
//
// Reading streams one block at a time, so memory is bounded by the largest
// block (MaxBlockSize, compressed and decompressed), never by the file:
// files larger than memory read fine. No length read from the file
// allocates more than the bytes actually present or a cap, and every error
// names the byte offset in the file and what to do.
//
// Every codec of the specification is read and written as Java writes it
// (codec.go): null, deflate (raw DEFLATE), snappy (a raw block + CRC32 of
// the data, big-endian), zstandard (one frame per block), bzip2, xz (one
// .xz stream per block). A block that declares or decompresses to more than
// MaxBlockSize is an ErrBlockTooLarge error (a decompression bomb is a few
// KB claiming gigabytes); an xz block's dictionary is allocated for what
// the block holds, not what its header claims.
//
// The package knows nothing of schemas beyond carrying avro.schema: a block
// is handed out whole, and record boundaries come from a schema-driven
// decoder (gen/datum's Codec.DecodeNext) through Reader.Next's split.
package ocf

import (
	"errors"
	"fmt"
)

// Magic starts every container file.
var Magic = [4]byte{'O', 'b', 'j', 1}

// SyncSize is the length of the sync marker.
const SyncSize = 16

// The metadata keys the specification reserves.
const (
	MetaSchema = "avro.schema"
	MetaCodec  = "avro.codec"
)

// The codec names of the specification.
const (
	CodecNull      = "null"
	CodecDeflate   = "deflate"
	CodecBzip2     = "bzip2"
	CodecSnappy    = "snappy"
	CodecZstandard = "zstandard"
	CodecXZ        = "xz"
)

// DefaultSyncInterval is Java's DataFileConstants.DEFAULT_SYNC_INTERVAL:
// a block is written when its uncompressed datums reach this many bytes.
const DefaultSyncInterval = 4000 * 16

// Limits of a Reader; zero fields take the defaults.
type Limits struct {
	// MaxMetaSize bounds the header's metadata map, all keys and values
	// (the schema is in it). Default 64 MiB.
	MaxMetaSize int
	// MaxBlockSize bounds one block, compressed and decompressed. Java
	// writes blocks of about the sync interval (64 KB), or one datum when
	// a datum is larger. Default 256 MiB.
	MaxBlockSize int
}

func (l Limits) withDefaults() Limits {
	if l.MaxMetaSize <= 0 {
		l.MaxMetaSize = 64 << 20
	}
	if l.MaxBlockSize <= 0 {
		l.MaxBlockSize = 256 << 20
	}
	return l
}

// Error is a bad file, located by byte offset.
type Error struct {
	Offset int64
	Msg    string
	Fix    string
	Err    error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("byte %d: %s", e.Offset, e.Msg)
	if e.Fix != "" {
		s += " (" + e.Fix + ")"
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// ErrUnsupportedCodec is wrapped by the error for a codec this package
// cannot read or write.
var ErrUnsupportedCodec = errors.New("unsupported codec")

// ErrSyncMismatch is wrapped by the error for a block whose trailing sync
// marker differs from the header's: the file is corrupt or was spliced.
var ErrSyncMismatch = errors.New("sync marker mismatch")
