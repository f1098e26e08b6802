package ocf

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// WriterOptions configure a Writer; zero fields take the defaults.
type WriterOptions struct {
	// Codec is one of Codecs; default null.
	Codec string
	// Level is the codec's level (LevelRange); 0 means Java's default.
	Level int
	// SyncInterval: a block is written once its datums reach this many
	// uncompressed bytes. Default DefaultSyncInterval (Java's).
	SyncInterval int
	// Meta are extra metadata keys; avro.* keys are the writer's.
	Meta map[string][]byte
	// Sync fixes the sync marker (tests); zero means random, as Java does.
	Sync [SyncSize]byte
}

// Writer writes a container file.
type Writer struct {
	w      *bufio.Writer
	opts   WriterOptions
	sync   [SyncSize]byte
	buf    bytes.Buffer // datums of the open block
	count  int64
	comp   *compressor
	closed bool
	err    error

	// when writing to a path: temp file renamed on Close
	file       *os.File
	path, temp string
}

// NewWriter writes the header to w at once.
func NewWriter(w io.Writer, schemaJSON string, opts WriterOptions) (*Writer, error) {
	if opts.Codec == "" {
		opts.Codec = CodecNull
	}
	if opts.SyncInterval <= 0 {
		opts.SyncInterval = DefaultSyncInterval
	}
	comp, err := newCompressor(opts.Codec, opts.Level)
	if err != nil {
		return nil, err
	}
	wr := &Writer{w: bufio.NewWriter(w), opts: opts, sync: opts.Sync, comp: comp}
	if wr.sync == ([SyncSize]byte{}) {
		rand.Read(wr.sync[:])
	}
	meta := map[string][]byte{}
	for k, v := range opts.Meta {
		meta[k] = v
	}
	meta[MetaSchema] = []byte(schemaJSON)
	meta[MetaCodec] = []byte(opts.Codec)
	// avro.schema and avro.codec first, as Java writes them, then the user
	// keys sorted: deterministic output.
	keys := []string{MetaSchema, MetaCodec}
	var user []string
	for k := range meta {
		if k != MetaSchema && k != MetaCodec {
			user = append(user, k)
		}
	}
	sort.Strings(user)
	keys = append(keys, user...)
	h := append([]byte(nil), Magic[:]...)
	h = appendLong(h, int64(len(keys)))
	for _, k := range keys {
		h = appendLong(h, int64(len(k)))
		h = append(h, k...)
		h = appendLong(h, int64(len(meta[k])))
		h = append(h, meta[k]...)
	}
	h = appendLong(h, 0)
	h = append(h, wr.sync[:]...)
	if _, err := wr.w.Write(h); err != nil {
		return nil, err
	}
	return wr, nil
}

// Create writes a container file at path: to a temp file in the same
// directory, renamed over path by Close, so a reader never sees half a
// file and a failed write leaves the old file in place.
func Create(path, schemaJSON string, opts WriterOptions) (*Writer, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, err
	}
	// CreateTemp makes the file 0600; a data file is as readable as any
	// other the user writes (avro-tools' are 0644), and replacing a file
	// keeps its mode.
	perm := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		perm = fi.Mode().Perm()
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	w, err := NewWriter(f, schemaJSON, opts)
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	w.file, w.path, w.temp = f, path, f.Name()
	return w, nil
}

func appendLong(b []byte, v int64) []byte {
	u := uint64(v<<1) ^ uint64(v>>63)
	for u >= 0x80 {
		b = append(b, byte(u)|0x80)
		u >>= 7
	}
	return append(b, byte(u))
}

// Sync is the file's sync marker.
func (w *Writer) Sync() [SyncSize]byte { return w.sync }

// Append adds one datum (its Avro binary encoding with the file's schema;
// the caller encodes it). A block is written when the sync interval is
// reached.
func (w *Writer) Append(datum []byte) error {
	if w.err != nil {
		return w.err
	}
	w.buf.Write(datum)
	w.count++
	if w.buf.Len() >= w.opts.SyncInterval {
		return w.Flush()
	}
	return nil
}

// AppendBlock writes count datums, already encoded back to back in data
// (a decompressed block of another file), as one block of their own after
// the open one: recodec and concat copy blocks without decoding datums.
func (w *Writer) AppendBlock(count int64, data []byte) error {
	if err := w.Flush(); err != nil || count == 0 {
		return err
	}
	return w.writeBlock(count, data)
}

// Flush writes the open block, if any.
func (w *Writer) Flush() error {
	if w.err != nil || w.count == 0 {
		return w.err
	}
	err := w.writeBlock(w.count, w.buf.Bytes())
	w.buf.Reset()
	w.count = 0
	return err
}

func (w *Writer) writeBlock(count int64, data []byte) error {
	if w.err != nil {
		return w.err
	}
	data, err := w.comp.compress(data)
	if err != nil {
		w.err = fmt.Errorf("%s: %w", w.opts.Codec, err)
		return w.err
	}
	h := appendLong(appendLong(nil, count), int64(len(data)))
	w.w.Write(h)
	w.w.Write(data)
	_, w.err = w.w.Write(w.sync[:])
	return w.err
}

// Close writes the last block and flushes; with Create it syncs the temp
// file and renames it over the path.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	w.Flush()
	w.comp.close()
	if w.err == nil {
		w.err = w.w.Flush()
	}
	if w.file != nil {
		if w.err == nil {
			w.err = w.file.Sync()
		}
		if err := w.file.Close(); w.err == nil {
			w.err = err
		}
		if w.err == nil {
			w.err = os.Rename(w.temp, w.path)
		}
		if w.err != nil {
			os.Remove(w.temp)
		}
	}
	return w.err
}

// Abort drops a Create'd file: the temp file is removed, path untouched.
func (w *Writer) Abort() {
	if w.file != nil && !w.closed {
		w.closed = true
		w.comp.close()
		w.file.Close()
		os.Remove(w.temp)
	}
}
