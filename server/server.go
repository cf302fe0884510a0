package server

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures a Server. The zero Config serves the bundled rulesets
// with no keys (everyone is admin: for a loopback address only, see
// CheckExposure), no decision log and the default limits.
type Config struct {
	// RulesetsDir holds rulesets (*.yaml, *.yml, at any depth) served on top
	// of the bundled ones: a ruleset of the same id whose dates overlap
	// replaces the bundled one. Its changes are reloaded (Server.Serve
	// watches it).
	RulesetsDir string
	// CasesDir holds the analysts' cases /v1/test runs when a request
	// brings none ("" for none).
	CasesDir string
	// KeysFile lists the API keys (see GenerateKey for the format); "" for
	// no keys.
	KeysFile string
	// DecisionLog is the file the decision log appends to ("" for none);
	// it is rotated past DecisionLogMaxSize bytes (default 100 MiB),
	// keeping DecisionLogKeep rotated files (default 10).
	DecisionLog        string
	DecisionLogMaxSize int64
	DecisionLogKeep    int
	// CORSOrigins are the origins (https://host[:port]) whose pages may
	// call the API from a browser; none by default, and "*" is refused.
	CORSOrigins []string
	// Limits bound what one request may cost; zero fields take defaults.
	Limits Limits
	// ReloadDebounce is how long the rulesets directory must be quiet
	// after a change before it is reloaded (default 500 ms).
	ReloadDebounce time.Duration
	// Logger receives the structured logs (default: slog.Default()).
	Logger *slog.Logger
	// Version is the build's version, shown by /healthz and the metrics.
	Version string
}

// Limits bound the cost of requests. A request over a size limit gets 413,
// one over its time limit is cut off, one beyond an endpoint's concurrency
// limit gets 429 with Retry-After.
type Limits struct {
	// Body bounds the body of /v1/assess and /v1/quote (default 1 MiB, the
	// limit of a facts document).
	Body int64
	// AnalystBody bounds the body of /v1/lint and /v1/test, and the
	// rulesets part of /v1/impact (default 16 MiB).
	AnalystBody int64
	// Book bounds a book streamed to /v1/batch or /v1/impact (default 1
	// GiB); XLSX, which is spooled to a temporary file and read whole,
	// XLSX (default 64 MiB).
	Book int64
	XLSX int64
	// Timeout bounds a request answered at once (default 30 s, reading
	// the body included); BookTimeout a batch or an impact (default 1 h).
	Timeout     time.Duration
	BookTimeout time.Duration
	// Heavy is how many requests each of batch, impact and test may run
	// at once (default 2); Lint for lint (default 4); Light for every other
	// endpoint (default 1024).
	Heavy int
	Lint  int
	Light int
	// MaxEnterprises bounds the enterprises of one /v1/assess or
	// /v1/quote request (default 1000); GenerateMax a generated book for
	// /v1/impact (default 100,000).
	MaxEnterprises int
	GenerateMax    int
}

func (l *Limits) defaults() {
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	defi := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.Body, 1<<20)
	def(&l.AnalystBody, 16<<20)
	def(&l.Book, 1<<30)
	def(&l.XLSX, 64<<20)
	if l.Timeout <= 0 {
		l.Timeout = 30 * time.Second
	}
	if l.BookTimeout <= 0 {
		l.BookTimeout = time.Hour
	}
	defi(&l.Heavy, 2)
	defi(&l.Lint, 4)
	defi(&l.Light, 1024)
	defi(&l.MaxEnterprises, 1000)
	defi(&l.GenerateMax, 100_000)
}

// Server is the HTTP API and the workbench over the rulesets it serves.
// Make one with New; serve it with Serve, or mount Handler in a server of
// your own. A Server is safe for concurrent use; Reload swaps what it
// serves atomically.
type Server struct {
	cfg     Config
	log     *slog.Logger
	metrics *metrics
	dlog    *decisionLog

	state      atomic.Pointer[state]
	reloadMu   sync.Mutex
	lastReload atomic.Pointer[reloadStatus]
	draining   atomic.Bool

	handler   http.Handler
	idPrefix  string
	idCounter atomic.Uint64

	cors map[string]bool
}

// New loads the rulesets, cases and keys of cfg and returns a Server over
// them, or the error that stopped it (a *rulesets.LoadError names every
// problem in a ruleset with its file:line:column).
func New(cfg Config) (*Server, error) {
	cfg.Limits.defaults()
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.DecisionLogMaxSize <= 0 {
		cfg.DecisionLogMaxSize = 100 << 20
	}
	if cfg.DecisionLogKeep <= 0 {
		cfg.DecisionLogKeep = 10
	}
	if cfg.Version == "" {
		cfg.Version = "(devel)"
	}
	s := &Server{cfg: cfg, log: cfg.Logger, metrics: newMetrics(cfg.Version), cors: map[string]bool{}}
	for _, o := range cfg.CORSOrigins {
		if o == "*" || o == "null" {
			return nil, fmt.Errorf("CORS origin %q: name each origin that may call the API (https://host[:port])", o)
		}
		if !strings.HasPrefix(o, "https://") && !strings.HasPrefix(o, "http://") {
			return nil, fmt.Errorf("CORS origin %q: an origin is scheme://host[:port]", o)
		}
		s.cors[strings.TrimSuffix(o, "/")] = true
	}
	var b [4]byte
	rand.Read(b[:])
	s.idPrefix = hex.EncodeToString(b[:]) + "-"
	st, err := load(&s.cfg)
	if err != nil {
		return nil, err
	}
	s.state.Store(st)
	s.lastReload.Store(&reloadStatus{At: st.loaded.UTC(), OK: true, Reason: "start"})
	s.metrics.reloadOK.Set(1)
	s.metrics.reloadTime.SetToCurrentTime()
	s.metrics.setRulesets(st)
	if cfg.DecisionLog != "" {
		if s.dlog, err = openDecisionLog(cfg.DecisionLog, cfg.DecisionLogMaxSize, cfg.DecisionLogKeep, s.metrics, s.log); err != nil {
			return nil, err
		}
	}
	s.handler = s.routes()
	return s, nil
}

// Handler returns the server's HTTP handler: the API under /v1/, the
// operations endpoints and the workbench at /.
func (s *Server) Handler() http.Handler { return s.handler }

// Close closes the decision log (synced first). The handler must not be
// serving any more.
func (s *Server) Close() error {
	if s.dlog != nil {
		return s.dlog.Close()
	}
	return nil
}

// ServeOptions say how Serve listens.
type ServeOptions struct {
	// TLSCert and TLSKey, when set, serve HTTPS.
	TLSCert, TLSKey string
	// ShutdownTimeout is how long a shutdown waits for the requests in
	// flight (default 30 s); past it, batches and impacts still running are
	// cancelled (their output ends on a complete line) and the connections
	// closed.
	ShutdownTimeout time.Duration
}

// Serve answers on ln until ctx ends, then shuts down gracefully: /readyz
// says so at once (so that a load balancer stops sending), no new
// connection is accepted, and the requests in flight are drained. While it
// serves it watches the rulesets directory and reloads on a change.
func (s *Server) Serve(ctx context.Context, ln net.Listener, o ServeOptions) error {
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 30 * time.Second
	}
	base, cancelBase := context.WithCancel(context.Background())
	defer cancelBase()
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return base },
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	if o.TLSCert != "" {
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	if s.cfg.RulesetsDir != "" {
		if w, add, err := s.watcher(); err != nil {
			s.log.Error("cannot watch the rulesets directory; reload with SIGHUP or POST /v1/reload", "error", err)
		} else {
			go s.watch(watchCtx, w, add)
		}
	}
	errc := make(chan error, 1)
	go func() {
		var err error
		if o.TLSCert != "" {
			err = srv.ServeTLS(ln, o.TLSCert, o.TLSKey)
		} else {
			err = srv.Serve(ln)
		}
		errc <- err
	}()
	scheme := "http"
	if o.TLSCert != "" {
		scheme = "https"
	}
	st := s.state.Load()
	s.log.Info("serving", "addr", scheme+"://"+ln.Addr().String(), "rulesets", len(st.reg.Rulesets()),
		"digest", st.digest, "keys", st.keys.len(), "decision_log", s.cfg.DecisionLog, "version", s.cfg.Version)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.draining.Store(true)
	s.log.Info("shutting down: draining requests in flight", "timeout", o.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), o.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		s.log.Warn("shutdown timeout: cancelling the requests still running")
		cancelBase()
		// give them a moment to end their output on a complete line
		time.Sleep(200 * time.Millisecond)
		err = srv.Close()
	}
	<-errc
	s.log.Info("stopped")
	return err
}

// CheckExposure refuses what would expose the API: listening beyond the
// loopback interface without keys (unless allowNoKeys), and keys crossing
// the network in clear text (no TLS, and not told that a TLS proxy sits in
// front).
func CheckExposure(addr string, keys, tls, behindTLSProxy, allowNoKeys bool) error {
	if IsLoopback(addr) {
		return nil
	}
	if !keys && !allowNoKeys {
		return fmt.Errorf("%s is reachable beyond this machine and no --keys are given: anyone who reaches it could use it; give --keys FILE (anzexian serve keygen makes a key), or --insecure-no-keys to serve without", addr)
	}
	if keys && !tls && !behindTLSProxy {
		return fmt.Errorf("%s is reachable beyond this machine over plain HTTP: the API keys would cross the network in clear text; give --tls-cert and --tls-key, or --behind-tls-proxy when a proxy in front terminates TLS", addr)
	}
	return nil
}

// IsLoopback reports whether addr (host:port) listens on a loopback
// address only.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// byteSize writes a size for people: 1 MiB, 64 KiB, 1000 bytes.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
