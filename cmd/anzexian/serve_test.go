package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The serve command's refusals and its key generator; the server itself is
// tested in package server.
func TestServeRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"beyond loopback without keys", []string{"serve", "--addr", "0.0.0.0:0"}, "no --keys are given"},
		{"keys in clear text beyond loopback", []string{"serve", "--addr", "0.0.0.0:0", "--keys", "keys.txt"}, "in clear text"},
		{"a TLS certificate without its key", []string{"serve", "--tls-cert", "c.pem"}, "--tls-cert and --tls-key go together"},
		{"a bad size", []string{"serve", "--max-body", "lots"}, "is not a size"},
		{"a profiler beyond loopback", []string{"serve", "--debug-addr", ":6060"}, "--debug-addr must be a loopback address"},
		{"a missing rulesets directory", []string{"serve", "--addr", "127.0.0.1:0", "--rulesets", "no/such/dir"}, "rulesets directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant %q", code, stderr, tc.want)
			}
		})
	}
}

func TestServeKeygen(t *testing.T) {
	keys := filepath.Join(t.TempDir(), "keys")
	code, stdout, stderr := runCLI(t, "", "serve", "keygen", "--id", "core-system", "--role", "quote", "--append", keys)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	key := strings.TrimSpace(stdout)
	if !strings.HasPrefix(key, "azx_") || len(key) != 56 {
		t.Errorf("key %q", key)
	}
	b, err := os.ReadFile(keys)
	if err != nil {
		t.Fatal(err)
	}
	if line := string(b); !strings.HasPrefix(line, "core-system quote sha256:") || strings.Contains(line, key) {
		t.Errorf("keys file %q", line)
	}
	if info, _ := os.Stat(keys); info.Mode().Perm() != 0o600 {
		t.Errorf("keys file mode %v", info.Mode().Perm())
	}
	code, _, stderr = runCLI(t, "", "serve", "keygen", "--id", "x y", "--role", "boss")
	if code != 2 || !strings.Contains(stderr, "--role") {
		t.Errorf("a bad role: exit %d, %s", code, stderr)
	}
}
