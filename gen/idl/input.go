package idl

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// DefaultMaxFileSize is the largest file (.avdl, or an imported .avsc or
// .avpr) the compiler reads when Options.MaxFileSize is 0. The largest of
// the 248 real-world .avdl files in the conformance suites is 50 KB; a
// worst-case file (all one-character tokens) costs about 300 times its size
// in memory, so the cap keeps a wrong path (a disk image, a log) to about
// 1.3 GB instead of taking the machine.
const DefaultMaxFileSize = 4 << 20

// errTooLarge, errNotRegular and errLoop are the input errors the compiler
// reports in its own words (see inputError).
var (
	errTooLarge   = errors.New("file too large")
	errNotRegular = errors.New("not a regular file")
	errLoop       = errors.New("symbolic link loop")
)

// inputError is a file the compiler refuses to read, with the message to
// show (the path is added by the caller, at the import or as the file).
type inputError struct {
	kind error
	msg  string
}

func (e *inputError) Error() string { return e.msg }
func (e *inputError) Unwrap() error { return e.kind }

func (o Options) maxFileSize() int64 {
	if o.MaxFileSize > 0 {
		return o.MaxFileSize
	}
	return DefaultMaxFileSize
}

// readSource reads a file to compile. It returns the file's identity on
// disk (nil when Options.ReadFile serves it), so that a file reached by two
// paths (a symbolic link, a hard link, "a/../b") is read once.
//
// Only regular files are read, and at most MaxFileSize bytes of them: a
// device (/dev/zero) would never end, and a named pipe would block until a
// writer comes. The file is opened without blocking and the checks are on
// the opened file, so that nothing can swap the path between the check and
// the read.
func (o Options) readSource(name string) ([]byte, os.FileInfo, error) {
	if o.ReadFile != nil {
		data, err := o.ReadFile(name)
		if err == nil && int64(len(data)) > o.maxFileSize() {
			return nil, nil, tooLarge(int64(len(data)), o.maxFileSize())
		}
		return data, nil, err
	}
	f, err := openNonBlocking(name)
	if err != nil {
		if isLoop(err) {
			return nil, nil, &inputError{errLoop, "it is a loop of symbolic links: fix or remove the link"}
		}
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, &inputError{errNotRegular, fmt.Sprintf("it is %s, not a regular file: only regular files are compiled", describeMode(fi.Mode()))}
	}
	max := o.maxFileSize()
	if fi.Size() > max {
		return nil, nil, tooLarge(fi.Size(), max)
	}
	// The file may grow after the Stat: read one byte past the limit to
	// notice it, never more.
	data := make([]byte, 0, fi.Size()+1)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if int64(len(data)) > max {
			return nil, nil, tooLarge(int64(len(data)), max)
		}
		if err == io.EOF {
			return data, fi, nil
		}
		if err != nil {
			return nil, nil, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}

// tooLarge is the error for a file over max bytes; size is its size, or
// what was read of it when it grew while being read.
func tooLarge(size, max int64) error {
	return &inputError{errTooLarge, fmt.Sprintf("it is %d bytes, over the limit of %d bytes for one input file; if the file is right, raise the limit with --max-file-size", size, max)}
}

func describeMode(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "a special file"
}

// readErrorMsg is the message for a file that cannot be read.
func readErrorMsg(err error) string {
	var ie *inputError
	if errors.As(err, &ie) {
		return "cannot read file: " + ie.msg
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return "cannot read file: " + pe.Err.Error()
	}
	return "cannot read file: " + err.Error()
}

// fileSet is the set of files read by one compilation, by identity on disk
// (os.SameFile) and, for files served by Options.ReadFile, by absolute path.
type fileSet struct {
	byPath map[string]bool
	bySize map[int64][]os.FileInfo // SameFile has no key; the size narrows the scan
}

// add records a file; it reports whether the file was new.
func (s *fileSet) add(name string, fi os.FileInfo) bool {
	if fi != nil {
		if s.bySize == nil {
			s.bySize = map[int64][]os.FileInfo{}
		}
		for _, old := range s.bySize[fi.Size()] {
			if os.SameFile(old, fi) {
				return false
			}
		}
		s.bySize[fi.Size()] = append(s.bySize[fi.Size()], fi)
		return true
	}
	key := name
	if abs, err := filepath.Abs(name); err == nil {
		key = abs
	}
	if s.byPath == nil {
		s.byPath = map[string]bool{}
	}
	if s.byPath[key] {
		return false
	}
	s.byPath[key] = true
	return true
}
