package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/rulesets"
)

// The CLI opens every input file through openInput and every output file
// through createOutput, so that what applies to all of them (bounds on what
// is read, what an interrupt does to a half-written file) has one place.

// input is an opened input: a file, or stdin for "-".
type input struct {
	io.Reader
	// Name is what messages call it: the path, or <stdin>.
	Name string
	// Path is the path given ("-" for stdin).
	Path string
	// Size is the file's length when known (for an ETA), else -1.
	Size  int64
	close func() error
}

func (in *input) Close() error { return in.close() }

// openInput opens the input named path, or stdin for "-".
func (e *cliEnv) openInput(path string) (*input, error) {
	if path == "-" {
		return &input{Reader: e.stdin, Name: "<stdin>", Path: path, Size: -1, close: func() error { return nil }}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if info.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s is a directory", path)
	}
	size := int64(-1)
	if info.Mode().IsRegular() {
		size = info.Size()
	}
	return &input{Reader: f, Name: path, Path: path, Size: size, close: f.Close}, nil
}

// readInput reads the whole input named path (or stdin), refusing one over
// limit bytes with a message that says what to use instead.
func (e *cliEnv) readInput(path string, limit int64, what string) ([]byte, string, error) {
	in, err := e.openInput(path)
	if err != nil {
		return nil, "", err
	}
	defer in.Close()
	if in.Size > limit {
		return nil, in.Name, fmt.Errorf("%s: %d bytes is over the %d-byte limit of %s", in.Name, in.Size, limit, what)
	}
	data, err := io.ReadAll(io.LimitReader(in, limit+1))
	if err != nil {
		return nil, in.Name, err
	}
	if int64(len(data)) > limit {
		return nil, in.Name, fmt.Errorf("%s: over the %d-byte limit of %s", in.Name, limit, what)
	}
	return data, in.Name, nil
}

// output is an opened output: a file, or stdout for "" and "-".
type output struct {
	io.Writer
	Name string
	// File is true for a file (not stdout).
	File  bool
	close func() error
}

// Close closes the file; for stdout it does nothing.
func (o *output) Close() error { return o.close() }

// createOutput creates the output file path, or returns stdout for "" and
// "-".
func (e *cliEnv) createOutput(path string) (*output, error) {
	if path == "" || path == "-" {
		return &output{Writer: e.stdout, Name: "<stdout>", close: func() error { return nil }}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &output{Writer: f, Name: path, File: true, close: f.Close}, nil
}

// readRulesetPaths reads a ruleset file, or every .yaml file under a
// directory.
func (e *cliEnv) readRulesetPaths(p string) ([]diag.File, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	read := func(path string) (diag.File, error) {
		in, err := e.openInput(path)
		if err != nil {
			return diag.File{}, err
		}
		defer in.Close()
		// one byte over the limit is enough for the loader to say so
		data, err := io.ReadAll(io.LimitReader(in, rulesets.MaxRulesetSize+1))
		return diag.File{Name: filepath.ToSlash(path), Data: data}, err
	}
	if !info.IsDir() {
		f, err := read(p)
		if err != nil {
			return nil, err
		}
		return []diag.File{f}, nil
	}
	var out []diag.File
	err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			return nil
		}
		f, err := read(path)
		if err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
	return out, err
}
