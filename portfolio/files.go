package portfolio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/boundedfile"
)

// Files of a batch: the portfolio opened for reading, the output that must
// not be one of the inputs, a line format's output resumed where a stopped
// batch left it, and a format that cannot be appended to written whole or
// not at all.

// Input is a portfolio opened for reading.
type Input struct {
	io.Reader
	// Name names it in errors ("<stdin>" for standard input).
	Name string
	// Size is its length in bytes when known (a regular file), else -1.
	Size int64
	// Info describes the file (for SameFile checks); nil when unknown.
	Info  fs.FileInfo
	close func() error
}

// Close closes the file (not standard input).
func (in *Input) Close() error {
	if in.close == nil {
		return nil
	}
	return in.close()
}

// OpenInput opens the portfolio named name, or stdin for "-". A name must
// be a regular file: a device, a FIFO or a directory is refused before it
// is opened (stream from a pipe with "-").
func OpenInput(name string, stdin io.Reader) (*Input, error) {
	if name == "-" {
		in := &Input{Reader: stdin, Name: "<stdin>", Size: -1}
		if f, ok := stdin.(*os.File); ok {
			if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
				in.Info = info // "batch --out x - < x" is an output on its input
			}
		}
		return in, nil
	}
	f, info, err := boundedfile.Open(name, "a portfolio")
	if err != nil {
		return nil, err
	}
	return &Input{Reader: f, Name: name, Size: info.Size(), Info: info, close: f.Close}, nil
}

// ErrOutputIsInput is wrapped by CheckOutput's error.
var ErrOutputIsInput = errors.New("the output is one of the inputs")

// CheckOutput refuses an output file that is one of the inputs (the
// portfolio, a ruleset of --with): creating it would truncate what is
// about to be read. The comparison is of files, not names (a link or
// another path to the same file is the same file). An output that does
// not exist yet, or "" or "-" (standard output), is fine.
func CheckOutput(out string, inputs ...fs.FileInfo) error {
	if out == "" || out == "-" {
		return nil
	}
	info, err := os.Stat(out)
	if err != nil {
		return nil // nothing there yet (or nothing we can compare)
	}
	for _, in := range inputs {
		if in != nil && os.SameFile(info, in) {
			return fmt.Errorf("%s: %w: writing it would destroy what is to be read", out, ErrOutputIsInput)
		}
	}
	return nil
}

// StatFiles returns the FileInfo of each name that can be examined, for
// CheckOutput (names that cannot be examined are left out: they were not
// read either).
func StatFiles(names ...string) []fs.FileInfo {
	var out []fs.FileInfo
	for _, n := range names {
		if info, err := os.Stat(n); err == nil {
			out = append(out, info)
		}
	}
	return out
}

// Output is a batch's output file. Line formats (JSONL, CSV) are written
// in place, so that a stopped batch leaves whole records that Resume can
// take up; a format that cannot be appended to is written to a temporary
// file beside it, renamed over it by Commit, removed by Abort (the file
// named is never left half-written).
type Output struct {
	*os.File
	name, tmp string
	// ResumeAfter is, for an output resumed, the line of the portfolio
	// whose record the output ends with (see BatchOptions.ResumeAfter);
	// 0 for a new output.
	ResumeAfter int
}

// OutputOptions configure CreateOutput.
type OutputOptions struct {
	// Atomic writes to a temporary file renamed at Commit: for formats
	// that cannot be appended to (XLSX, a report).
	Atomic bool
	// Resume appends to the output a stopped batch wrote (JSONL): what
	// follows its last complete line is cut off, and ResumeAfter tells
	// the line to resume after. An output that does not exist is new.
	Resume bool
	// Full and AsOf are what the batch writes: a resumed output must have
	// been written in the same form on the same as-of date.
	Full bool
	AsOf facts.Date
}

// CreateOutput creates (or, resuming, opens) the output file name.
func CreateOutput(name string, o OutputOptions) (*Output, error) {
	if o.Atomic {
		if o.Resume {
			return nil, fmt.Errorf("%s: a format that cannot be appended to cannot be resumed", name)
		}
		f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
		if err != nil {
			return nil, err
		}
		return &Output{File: f, name: name, tmp: f.Name()}, nil
	}
	if !o.Resume {
		f, err := os.Create(name)
		if err != nil {
			return nil, err
		}
		return &Output{File: f, name: name}, nil
	}
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = fmt.Errorf("%s: --resume needs a regular file", name)
	}
	var after int
	if err == nil {
		after, err = resumePoint(f, name, o)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &Output{File: f, name: name, ResumeAfter: after}, nil
}

// Commit ends the output: an atomic one is renamed over its name.
func (o *Output) Commit() error {
	if err := o.File.Close(); err != nil {
		o.Abort()
		return err
	}
	if o.tmp == "" {
		return nil
	}
	if err := os.Rename(o.tmp, o.name); err != nil {
		os.Remove(o.tmp)
		return err
	}
	return nil
}

// Abort drops an atomic output (the file named is left as it was) and
// closes any other.
func (o *Output) Abort() {
	o.File.Close()
	if o.tmp != "" {
		os.Remove(o.tmp)
	}
}

// resumePoint finds the last complete line of a JSONL output, cuts off what
// follows it (a line a killed batch left half-written) and returns the
// portfolio line that line answers, positioned to append.
func resumePoint(f *os.File, name string, o OutputOptions) (int, error) {
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, err
	}
	last, end, err := lastLine(f, size)
	if err != nil {
		return 0, err
	}
	if end < size {
		if err := f.Truncate(end); err != nil {
			return 0, err
		}
	}
	if _, err := f.Seek(end, io.SeekStart); err != nil {
		return 0, err
	}
	if last == nil {
		return 0, nil // nothing complete: start from the beginning
	}
	line, full, asOf, ok := parseOutputLine(last)
	switch {
	case !ok:
		return 0, fmt.Errorf("%s: its last line is not an answer of batch; --resume takes up the output of a batch", name)
	case full != o.Full:
		form := map[bool]string{true: "in full (--full)", false: "in brief"}
		return 0, fmt.Errorf("%s was written %s; resume it the same way", name, form[full])
	case !o.AsOf.IsZero() && asOf != o.AsOf.String():
		return 0, fmt.Errorf("%s holds answers as of %s; resume it with --at %s", name, asOf, asOf)
	}
	return line, nil
}

// lastLine returns the start of the last complete line of f (size bytes),
// at most 2 MiB of it without its line break (enough for what resuming
// reads), and the offset just past it (nil and 0 when no line is
// complete). It reads backwards from the end, a block at a time.
func lastLine(f *os.File, size int64) ([]byte, int64, error) {
	end, err := lastByte(f, size, '\n')
	if err != nil || end < 0 {
		return nil, 0, err
	}
	start, err := lastByte(f, end, '\n')
	if err != nil {
		return nil, 0, err
	}
	start++ // after the break before it, or 0
	n := end - start
	if n > 2<<20 {
		n = 2 << 20
	}
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, start); err != nil {
		return nil, 0, err
	}
	return buf, end + 1, nil
}

// lastByte returns the offset of the last c in f before offset before, or
// -1.
func lastByte(f *os.File, before int64, c byte) (int64, error) {
	const block = 64 << 10
	buf := make([]byte, block)
	for pos := before; pos > 0; {
		n := int64(block)
		if pos < n {
			n = pos
		}
		pos -= n
		if _, err := f.ReadAt(buf[:n], pos); err != nil {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], c); i >= 0 {
			return pos + int64(i), nil
		}
	}
	return -1, nil
}

// parseOutputLine reads what resuming needs of a line batch wrote: the
// portfolio line it answers ({"line":N,…}), whether it is in full
// ({"line":N,"assessment":…}) and its as-of date.
func parseOutputLine(b []byte) (line int, full bool, asOf string, ok bool) {
	const pre = `{"line":`
	if !bytes.HasPrefix(b, []byte(pre)) {
		return 0, false, "", false
	}
	rest := b[len(pre):]
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	n, err := strconv.Atoi(string(rest[:i]))
	if err != nil || n < 1 {
		return 0, false, "", false
	}
	full = bytes.HasPrefix(rest[i:], []byte(`,"assessment":`))
	if k := bytes.Index(b, []byte(`"as_of":"`)); k >= 0 && k+len(`"as_of":"`)+10 <= len(b) {
		asOf = string(b[k+len(`"as_of":"`) : k+len(`"as_of":"`)+10])
	}
	return n, full, asOf, true
}
