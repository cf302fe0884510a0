package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/casetest"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/rulesets"
)

// state is what the server serves, swapped whole by a reload: the rulesets
// (bundled, then the --rulesets directory's), the engine over them, the
// analysts' cases and the API keys. A request takes the state once, when it
// starts, and answers from it to the end, so that no answer mixes two
// versions of the rulesets, whatever reloads happen meanwhile.
type state struct {
	reg *rulesets.Registry
	eng *anzexian.Engine
	// digest identifies the whole set of rulesets: the SHA-256 of every
	// ruleset's key and digest, in layer order.
	digest string
	// local names the files read from the rulesets directory.
	local map[string]bool
	// cases are the analysts' cases /v1/test runs when a request brings
	// none (nil: no case directory).
	cases    []*casetest.Case
	casesDir string
	keys     *keyring
	loaded   time.Time
}

// localPrefix names the files of the rulesets directory in the registry,
// in diagnostics and in /v1/rulesets: local/<path in the directory>. The
// directory's own path is not shown to clients.
const localPrefix = "local/"

// load builds a state from the configuration: the bundled rulesets with the
// directory's on top (a ruleset of the same id and overlapping dates
// replaces the bundled one), the cases and the keys.
func load(cfg *Config) (*state, error) {
	reg, err := rulesets.LoadBundled()
	if err != nil {
		return nil, err
	}
	st := &state{local: map[string]bool{}, loaded: time.Now()}
	if cfg.RulesetsDir != "" {
		files, err := readRulesetDir(cfg.RulesetsDir)
		if err != nil {
			return nil, err
		}
		if len(files) > 0 {
			if reg, err = reg.With(files...); err != nil {
				return nil, err
			}
		}
		for _, f := range files {
			st.local[f.Name] = true
		}
	}
	st.reg = reg
	st.eng = anzexian.NewWithRegistry(reg)
	st.digest = registryDigest(reg)
	if cfg.CasesDir != "" {
		cs, err := casetest.Load(cfg.CasesDir)
		if err != nil {
			return nil, fmt.Errorf("cases %s: %w", cfg.CasesDir, err)
		}
		st.cases, st.casesDir = cs, cfg.CasesDir
	}
	if cfg.KeysFile != "" {
		if st.keys, err = readKeys(cfg.KeysFile); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// readRulesetDir reads every .yaml and .yml file under dir, following no
// symbolic link out of it, each at most rulesets.MaxRulesetSize (one byte
// more is read so that the loader can say the file is too large).
func readRulesetDir(dir string) ([]diag.File, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("rulesets directory: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("rulesets directory: %s is not a directory", dir)
	}
	var files []diag.File
	root := os.DirFS(dir)
	err = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			// ConfigMap volumes keep the real files in ..<timestamp>
			// directories behind a ..data link: read the links, not those.
			if p != "." && strings.HasPrefix(name, ".") {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(name, ".") || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			return nil
		}
		data, err := readBounded(filepath.Join(dir, filepath.FromSlash(p)), rulesets.MaxRulesetSize)
		if err != nil {
			return err
		}
		files = append(files, diag.File{Name: localPrefix + p, Data: data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rulesets directory: %w", err)
	}
	return files, nil
}

// readBounded reads a regular file, at most max+1 bytes of it: one byte
// over the limit is enough for the loader to say the file is too large.
func readBounded(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", name)
	}
	return io.ReadAll(io.LimitReader(f, max+1))
}

// registryDigest is the SHA-256 of every ruleset's key and digest, in layer
// order: one value that changes when any ruleset does.
func registryDigest(reg *rulesets.Registry) string {
	h := sha256.New()
	for _, rs := range reg.Rulesets() {
		fmt.Fprintf(h, "%s#%s\n", rs.Key(), rs.Digest)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// reloadStatus is what /readyz and the metrics say of the last reload.
type reloadStatus struct {
	At     time.Time `json:"at"`
	OK     bool      `json:"ok"`
	Reason string    `json:"reason"`
	Error  string    `json:"error,omitempty"`
	// Diagnostics of a reload that failed on a ruleset.
	Diagnostics diag.Diagnostics `json:"diagnostics,omitempty"`
}

// Reload reads the rulesets directory, the cases and the keys file again
// and, if everything loads, serves them from now on in one atomic step.
// If anything fails the previous state keeps serving; the error is
// returned, logged, counted in the metrics and shown by /readyz until a
// reload succeeds. Reloads are serialised. reason says what asked for it
// (signal, watch, api) in the log and the metrics.
func (s *Server) Reload(ctx context.Context, reason string) error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	start := time.Now()
	st, err := load(&s.cfg)
	status := reloadStatus{At: time.Now().UTC(), OK: err == nil, Reason: reason}
	if err != nil {
		status.Error = err.Error()
		var le *rulesets.LoadError
		if errors.As(err, &le) {
			status.Diagnostics = le.Diagnostics.Errors()
		}
		s.metrics.reloads.WithLabelValues("error").Inc()
		s.metrics.reloadOK.Set(0)
		s.log.Error("reload failed; the previous rulesets keep serving", "reason", reason, "error", err,
			"serving", s.state.Load().digest)
	} else {
		old := s.state.Load()
		s.state.Store(st)
		s.metrics.reloads.WithLabelValues("ok").Inc()
		s.metrics.reloadOK.Set(1)
		s.metrics.reloadTime.SetToCurrentTime()
		s.metrics.setRulesets(st)
		// The new registry was built beside the old one, which is garbage
		// once the requests that started on it end (microseconds): collect
		// it now and give the memory back, so that a reload does not raise
		// the heap's target (GOGC is 400) and the resident set with it.
		debug.FreeOSMemory()
		changed := old == nil || old.digest != st.digest
		s.log.Info("reloaded", "reason", reason, "rulesets", len(st.reg.Rulesets()), "digest", st.digest,
			"changed", changed, "cases", len(st.cases), "keys", st.keys.len(), "took", time.Since(start).Round(time.Millisecond))
	}
	s.lastReload.Store(&status)
	return err
}

// watcher watches the rulesets directory: every directory of its tree is
// added before watcher returns, so that a change made after the server
// starts serving is never missed (watching began in the loop's goroutine,
// and a file written before that goroutine ran was not seen). add watches
// the tree again (after a change: a new sub-directory).
func (s *Server) watcher() (w *fsnotify.Watcher, add func(), err error) {
	dir := s.cfg.RulesetsDir
	w, err = fsnotify.NewWatcher()
	if err != nil {
		return nil, nil, err
	}
	add = func() {
		// fsnotify watches one directory, not its tree: watch every
		// directory
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				if d.Name() != "." && strings.HasPrefix(d.Name(), "..") && p != dir {
					return fs.SkipDir
				}
				if err := w.Add(p); err != nil {
					s.log.Warn("watching the rulesets directory", "dir", p, "error", err)
				}
			}
			return nil
		})
	}
	add()
	return w, add, nil
}

// watch reloads when a file of the rulesets directory changes, after the
// changes have settled for the debounce interval (an editor or a
// deployment writes several files, or one file in several steps). It runs
// until ctx ends, and closes w.
func (s *Server) watch(ctx context.Context, w *fsnotify.Watcher, add func()) {
	defer w.Close()
	debounce := s.cfg.ReloadDebounce
	if debounce <= 0 {
		debounce = 500 * time.Millisecond
	}
	var timer *time.Timer
	var fire <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if ev.Op == fsnotify.Chmod {
				continue
			}
			if timer == nil {
				timer = time.NewTimer(debounce)
			} else {
				if !timer.Stop() {
					select {
					case <-timer.C:
					default:
					}
				}
				timer.Reset(debounce)
			}
			fire = timer.C
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			s.log.Warn("watching the rulesets directory", "error", err)
		case <-fire:
			fire = nil
			add()
			s.Reload(ctx, "watch")
		}
	}
}
