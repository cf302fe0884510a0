package server

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// API keys.
//
// A key is "azx_" followed by 52 characters of base32 (256 random bits).
// The server never stores a key: the keys file holds the SHA-256 of each,
// with an id (which the logs and the decision log name) and a role:
//
//	# anzexian serve --keys FILE: one key a line, ID ROLE SHA256
//	core-system   quote    sha256:5d1f0c8e…  (64 hex digits)
//	alice         analyst  sha256:0b8a33e2…
//	ops           admin    sha256:7c0e91aa…
//
// Blank lines and lines starting with # are ignored. GenerateKey (and
// `anzexian serve keygen --id ID --role ROLE`) makes a key and its line.
//
// A request carries its key in the header "Authorization: Bearer azx_…".
// The server hashes what it is given and looks the hash up; since a key has
// 256 bits of entropy, a lookup by hash leaks nothing usable by timing.

// Role is what a key may do. Each role may do what the one before may:
// quote (assess, quote, batch, read the rulesets), analyst (and lint, test
// and impact with uploaded rulesets), admin (and reload).
type Role int

const (
	RoleNone Role = iota
	RoleQuote
	RoleAnalyst
	RoleAdmin
)

var roleNames = map[Role]string{RoleQuote: "quote", RoleAnalyst: "analyst", RoleAdmin: "admin"}

func (r Role) String() string {
	if n, ok := roleNames[r]; ok {
		return n
	}
	return "none"
}

// ParseRole reads a role's name.
func ParseRole(s string) (Role, error) {
	for r, n := range roleNames {
		if n == s {
			return r, nil
		}
	}
	return RoleNone, fmt.Errorf("unknown role %q (roles: quote, analyst, admin)", s)
}

// apiKey is one line of the keys file.
type apiKey struct {
	ID   string
	Role Role
}

// keyring maps the SHA-256 of a key to the key's id and role.
type keyring struct {
	byHash map[[32]byte]*apiKey
}

func (k *keyring) len() int {
	if k == nil {
		return 0
	}
	return len(k.byHash)
}

// lookup returns the key whose hash is that of token, or nil.
func (k *keyring) lookup(token string) *apiKey {
	if k == nil {
		return nil
	}
	return k.byHash[sha256.Sum256([]byte(token))]
}

var keyIDRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// readKeys reads a keys file. Every problem is reported with its line; a
// file with none is refused (an empty keys file would let nobody in, which
// is never what is meant).
func readKeys(name string) (*keyring, error) {
	data, err := readBounded(name, 1<<20)
	if err != nil {
		return nil, fmt.Errorf("keys file: %w", err)
	}
	if len(data) > 1<<20 {
		return nil, fmt.Errorf("keys file %s: over 1 MiB", name)
	}
	return parseKeys(name, data)
}

func parseKeys(name string, data []byte) (*keyring, error) {
	k := &keyring{byHash: map[[32]byte]*apiKey{}}
	ids := map[string]bool{}
	var problems []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			problems = append(problems, fmt.Sprintf("%s:%d: want ID ROLE sha256:HEX, got %d fields", name, n, len(f)))
			continue
		}
		if !keyIDRe.MatchString(f[0]) {
			problems = append(problems, fmt.Sprintf("%s:%d: key id %q: letters, digits, . _ @ - only, at most 64", name, n, f[0]))
		}
		if ids[f[0]] {
			problems = append(problems, fmt.Sprintf("%s:%d: key id %q is given twice", name, n, f[0]))
		}
		ids[f[0]] = true
		role, err := ParseRole(f[1])
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s:%d: %v", name, n, err))
		}
		hexs, ok := strings.CutPrefix(f[2], "sha256:")
		var h [32]byte
		if b, err := hex.DecodeString(hexs); !ok || err != nil || len(b) != 32 {
			problems = append(problems, fmt.Sprintf("%s:%d: the hash must be sha256: and 64 hex digits (the key itself is never stored; anzexian serve keygen prints the line)", name, n))
			continue
		} else {
			copy(h[:], b)
		}
		if _, dup := k.byHash[h]; dup {
			problems = append(problems, fmt.Sprintf("%s:%d: the same key is listed twice", name, n))
		}
		k.byHash[h] = &apiKey{ID: f[0], Role: role}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("keys file: %s", strings.Join(problems, "; "))
	}
	if len(k.byHash) == 0 {
		return nil, fmt.Errorf("keys file %s lists no key (ID ROLE sha256:HEX a line; anzexian serve keygen makes one)", name)
	}
	return k, nil
}

// KeyPrefix starts every key, so that a key is recognised in a
// configuration or a leak scanner.
const KeyPrefix = "azx_"

var keyEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// GenerateKey returns a new API key of 256 random bits, and the line of
// the keys file that admits it with the given id and role.
func GenerateKey(id string, role Role) (key, line string, err error) {
	if !keyIDRe.MatchString(id) {
		return "", "", fmt.Errorf("key id %q: letters, digits, . _ @ - only, at most 64", id)
	}
	if _, ok := roleNames[role]; !ok {
		return "", "", fmt.Errorf("unknown role")
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", err
	}
	key = KeyPrefix + strings.ToLower(keyEncoding.EncodeToString(b[:]))
	return key, KeyLine(id, role, key), nil
}

// KeyLine is the keys-file line admitting key with the given id and role.
func KeyLine(id string, role Role, key string) string {
	h := sha256.Sum256([]byte(key))
	return fmt.Sprintf("%s %s sha256:%s", id, role, hex.EncodeToString(h[:]))
}
