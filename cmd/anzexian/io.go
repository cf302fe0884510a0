package main

import (
	"io"
	"io/fs"
	"path/filepath"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/internal/boundedfile"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rulesets"
)

// The CLI opens every input file through openInput and every output file
// through createOutput, so that what applies to all of them has one place:
// an input named on the command line must be a regular file (a device, a
// FIFO or a directory is refused before it is opened; stream from a pipe
// with "-"), what is read whole is read within its limit, an output that is
// one of the inputs is refused before anything is written, and a format
// that cannot be appended to is written whole or not at all.

// input is an opened input: a file, or stdin for "-".
type input struct {
	io.Reader
	// Name is what messages call it: the path, or <stdin>.
	Name string
	// Path is the path given ("-" for stdin).
	Path string
	// Size is the file's length when known (for an ETA), else -1.
	Size int64
	// Info describes the file, for CheckOutput; nil when unknown.
	Info fs.FileInfo
	in   *portfolio.Input
}

func (in *input) Close() error { return in.in.Close() }

// openInput opens the input named path, or stdin for "-".
func (e *cliEnv) openInput(path string) (*input, error) {
	in, err := portfolio.OpenInput(path, e.stdin)
	if err != nil {
		return nil, err
	}
	return &input{Reader: in, Name: in.Name, Path: path, Size: in.Size, Info: in.Info, in: in}, nil
}

// readInput reads the whole input named path (or stdin), refusing one over
// limit bytes with a message that says what to use instead.
func (e *cliEnv) readInput(path string, limit int64, what string) ([]byte, string, error) {
	if path == "-" {
		data, err := boundedfile.ReadAll(e.stdin, "<stdin>", limit, what)
		return data, "<stdin>", err
	}
	data, err := boundedfile.Read(path, limit, what)
	return data, path, err
}

// output is an opened output: a file, or stdout for "" and "-".
type output struct {
	io.Writer
	Name string
	// File is true for a file (not stdout).
	File bool
	// ResumeAfter is, for a resumed output, the portfolio line its last
	// complete record answers.
	ResumeAfter int
	commit      func() error
	abort       func()
}

// Close ends the output: a file written whole is put in place. For stdout
// it does nothing.
func (o *output) Close() error { return o.commit() }

// Abort drops a file written whole (the file named is left as it was).
func (o *output) Abort() { o.abort() }

// createOutput creates the output file path, or returns stdout for "" and
// "-". An output that is one of inputs is refused.
func (e *cliEnv) createOutput(path string, opts portfolio.OutputOptions, inputs ...fs.FileInfo) (*output, error) {
	if path == "" || path == "-" {
		if opts.Resume {
			return nil, usagef("--resume takes up the file --out names")
		}
		return &output{Writer: e.stdout, Name: "<stdout>", commit: func() error { return nil }, abort: func() {}}, nil
	}
	if err := portfolio.CheckOutput(path, inputs...); err != nil {
		return nil, err
	}
	f, err := portfolio.CreateOutput(path, opts)
	if err != nil {
		return nil, err
	}
	return &output{Writer: f, Name: path, File: true, ResumeAfter: f.ResumeAfter, commit: f.Commit, abort: f.Abort}, nil
}

// withInfos describes the files of --with (rulesets, or directories of
// them), for CheckOutput.
func withInfos(with []string) []fs.FileInfo {
	var infos []fs.FileInfo
	for _, p := range with {
		filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				infos = append(infos, portfolio.StatFiles(path)...)
			}
			return nil
		})
	}
	return infos
}

// readRulesetPaths reads a ruleset file, or every .yaml file under a
// directory, through the bounded reader (regular files only, each within
// rulesets.MaxRulesetSize).
func (e *cliEnv) readRulesetPaths(p string) ([]diag.File, error) {
	files, err := boundedfile.ReadTree(p, []string{".yaml", ".yml"}, rulesets.MaxRulesetSize, "a ruleset file")
	if err != nil {
		return nil, err
	}
	out := make([]diag.File, len(files))
	for i, f := range files {
		out[i] = diag.File{Name: f.Name, Data: f.Data}
	}
	return out, nil
}
