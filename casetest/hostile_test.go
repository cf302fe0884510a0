//go:build unix

package casetest_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/casetest"
)

// A case file is data that may come from anyone (anzexian test runs in CI
// on someone else's pull request): what it names with facts_file: and
// with: is read with bounds, never blocks, and is never quoted back when
// it is not a document of its kind.
func TestHostileNames(t *testing.T) {
	dir := t.TempDir()
	secret := "root:x:0:0:root:/root:/bin/bash\nsecret-token: s3cr3t-value\n"
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("passwd", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n")
	write("config.yaml", "password: s3cr3t-value\ntoken: s3cr3t-value\n")
	write("binary", "\x00\x01s3cr3t-value\xff\xfe\n")
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, key, target string
		want              string
	}{
		{"facts_file: a password file", "facts_file", "passwd", "is not a facts document: its top level is text, not a mapping"},
		{"facts_file: a configuration file", "facts_file", "config.yaml", "is not a facts document: none of its keys is one of"},
		{"facts_file: a binary file", "facts_file", "binary", "is not a facts document: it is not valid YAML"},
		{"facts_file: a FIFO", "facts_file", "fifo", "is a FIFO (named pipe); a facts document must be a regular file"},
		{"facts_file: a device", "facts_file", "/dev/zero", "is a character device; a facts document must be a regular file"},
		{"facts_file: a directory", "facts_file", ".", "is a directory"},
		{"with: a password file", "with", "passwd", "is not a ruleset: its top level is text, not a mapping"},
		{"with: a configuration file", "with", "config.yaml", "is not a ruleset: none of its keys is one of schema, id"},
		{"with: a FIFO", "with", "fifo", "is a FIFO (named pipe); a ruleset file must be a regular file"},
		{"with: a device", "with", "/dev/zero", "is a character device; a ruleset file must be a regular file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := "as_of: 2026-01-01\n"
			if c.key == "with" {
				doc += "facts: {region: \"430100\", sectors: [other]}\n"
			}
			doc += c.key + ": " + c.target + "\nexpect: {obligation: encouraged}\n"
			file := write("case.yaml", doc)
			var msg string
			done := make(chan struct{})
			go func() {
				defer close(done)
				cases, err := casetest.Load(file)
				if err != nil {
					var fe *casetest.FileError
					if !errors.As(err, &fe) {
						msg = "untyped: " + err.Error()
						return
					}
					var b strings.Builder
					fe.Diagnostics.Print(&b)
					msg = b.String()
					return
				}
				for _, f := range casetest.NewRunner(eng).Run(cases[0], false).Failures {
					msg += f.What + ": " + f.Diff + "\n"
				}
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("still reading after 5 s")
			}
			if !strings.Contains(msg, c.want) {
				t.Errorf("got\n%s\nwant %q", msg, c.want)
			}
			for _, line := range strings.Split(secret, "\n") {
				for _, part := range []string{"s3cr3t", "root:x", "daemon:x", line} {
					if part != "" && strings.Contains(msg, part) {
						t.Errorf("the error quotes the file (%q):\n%s", part, msg)
					}
				}
			}
		})
	}
}
