// Package boundedfile opens the files the product is given by name (on the
// command line, in a case file's facts_file: and with:, in a directory of
// rulesets) so that a hostile or careless name cannot hang it or exhaust
// its memory: a device (/dev/zero), a FIFO, a socket or a directory is
// refused before it is opened for reading, and a file is read only up to
// its limit, a file over the limit not at all.
//
// The checks are made on the file itself: the name is examined with stat
// (following symbolic links), opened without blocking (a FIFO swapped in
// between cannot hang the open), and the open file is examined again and
// must be the one examined first. Reading never reads more than the limit
// and one byte, however the file grows meanwhile.
//
// The functions are safe for concurrent use.
package boundedfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotRegular is wrapped by the error for a name that is not a regular
// file (a directory, a device, a FIFO, a socket).
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is wrapped by the error for a file or a stream over its
// limit.
var ErrTooLarge = errors.New("over the size limit")

// Error is a file that was refused: its name, what kind of input it stands
// for ("a ruleset file"), and why.
type Error struct {
	Name string
	What string
	// Problem says what is wrong, for the message ("is a FIFO (named
	// pipe); a ruleset file must be a regular file").
	Problem string
	Err     error // ErrNotRegular or ErrTooLarge
}

func (e *Error) Error() string { return e.Name + ": " + e.Problem }

func (e *Error) Unwrap() error { return e.Err }

// kind names a file mode that is not a regular file.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "not a regular file"
}

func notRegular(name, what string, m fs.FileMode) error {
	p := "is " + kind(m) + ", not a regular file"
	if what != "" {
		p = "is " + kind(m) + "; " + what + " must be a regular file"
	}
	return &Error{Name: name, What: what, Problem: p, Err: ErrNotRegular}
}

// Open opens a regular file for reading, refusing anything else before it
// is opened: it never blocks on a FIFO and never reads a device. what
// names the kind of input in errors ("a portfolio"). The caller closes the
// file; info is its FileInfo.
func Open(name, what string) (*os.File, fs.FileInfo, error) {
	pre, err := os.Stat(name)
	if err != nil {
		return nil, nil, err
	}
	if !pre.Mode().IsRegular() {
		return nil, nil, notRegular(name, what, pre.Mode())
	}
	f, err := os.OpenFile(name, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, nil, notRegular(name, what, info.Mode())
	}
	if !os.SameFile(pre, info) {
		f.Close()
		return nil, nil, &Error{Name: name, What: what, Problem: "was replaced while it was opened", Err: ErrNotRegular}
	}
	return f, info, nil
}

// Read reads a regular file of at most max bytes. A file over the limit is
// refused without being read; one that grows past it while read is
// refused after max+1 bytes.
func Read(name string, max int64, what string) ([]byte, error) {
	f, info, err := Open(name, what)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info.Size() > max {
		return nil, tooLarge(name, what, info.Size(), max)
	}
	// Size is a hint: /proc files say 0, and a file may grow.
	buf := make([]byte, 0, info.Size()+1)
	return readMax(f, buf, name, max, what)
}

// ReadAll reads r (standard input) up to max bytes: a stream over the
// limit is refused after max+1 bytes, however long it is.
func ReadAll(r io.Reader, name string, max int64, what string) ([]byte, error) {
	return readMax(r, nil, name, max, what)
}

func readMax(r io.Reader, buf []byte, name string, max int64, what string) ([]byte, error) {
	lr := &io.LimitedReader{R: r, N: max + 1}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return nil, tooLarge(name, what, -1, max)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func tooLarge(name, what string, size, max int64) error {
	p := fmt.Sprintf("is over the %d-byte limit", max)
	if size >= 0 {
		p = fmt.Sprintf("is %d bytes, over the %d-byte limit", size, max)
	}
	if what != "" {
		p += " of " + what
	}
	return &Error{Name: name, What: what, Problem: p, Err: ErrTooLarge}
}

// File is a file read by ReadTree: its name (slash-separated) and content.
type File struct {
	Name string
	Data []byte
}

// Bounds of a directory read by ReadTree: a directory of rulesets or case
// files holds tens of files of kilobytes each.
const (
	MaxTreeFiles = 1000
	MaxTreeBytes = 64 << 20
)

// ReadTree reads the files a path names: the file itself, or every file
// under a directory whose name ends in one of exts, in lexical order, each
// with Read's checks (a FIFO or a device in the directory is refused, not
// skipped). It reads at most MaxTreeFiles files and MaxTreeBytes in all.
// Directories below path whose names start with "." are skipped.
func ReadTree(path string, exts []string, max int64, what string) ([]File, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		data, err := Read(path, max, what)
		if err != nil {
			return nil, err
		}
		return []File{{Name: filepath.ToSlash(path), Data: data}}, nil
	}
	var out []File
	var total int64
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != path && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		match := false
		for _, e := range exts {
			if strings.HasSuffix(p, e) {
				match = true
			}
		}
		if !match {
			return nil
		}
		if len(out) == MaxTreeFiles {
			return &Error{Name: path, What: what, Problem: fmt.Sprintf("holds more than %d files", MaxTreeFiles), Err: ErrTooLarge}
		}
		data, err := Read(p, max, what)
		if err != nil {
			return err
		}
		if total += int64(len(data)); total > MaxTreeBytes {
			return &Error{Name: path, What: what, Problem: fmt.Sprintf("holds more than %d bytes of files", MaxTreeBytes), Err: ErrTooLarge}
		}
		out = append(out, File{Name: filepath.ToSlash(p), Data: data})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
