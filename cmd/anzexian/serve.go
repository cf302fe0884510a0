package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/anzexian/anzexian/server"
)

func init() { commands = append(commands, newServeCmd) }

type serveFlags struct {
	addr            string
	rulesets        string
	cases           string
	keys            string
	decisionLog     string
	decisionLogMax  string
	decisionLogKeep int
	tlsCert, tlsKey string
	behindProxy     bool
	noKeys          bool
	cors            []string
	maxBody         string
	maxBook         string
	maxXLSX         string
	timeout         time.Duration
	bookTimeout     time.Duration
	maxHeavy        int
	shutdown        time.Duration
	logFormat       string
	logLevel        string
	debugAddr       string
}

func newServeCmd(env *cliEnv) *cobra.Command {
	var o serveFlags
	c := &cobra.Command{
		Use:   "serve [flags]",
		Short: "Serve the HTTP API and the analysts' workbench (服务与分析工作台)",
		Long: `Serve the JSON API under /v1/ (assess, quote, batch, rulesets, lint, test,
impact), /openapi.json, /healthz, /readyz, Prometheus /metrics and the analysts'
workbench at /, over the bundled rulesets and those of --rulesets DIR (reloaded
when the directory changes, on SIGHUP and on POST /v1/reload; a reload that fails
keeps the previous rulesets serving). SIGTERM or Ctrl-C drains the requests in
flight, then stops.

Safe by default: it listens on loopback; beyond it, it needs --keys (or
--insecure-no-keys), and keys need TLS (--tls-cert, --tls-key) or a TLS proxy in
front (--behind-tls-proxy). A keys file lists one key a line, ID ROLE SHA256:

  # id          role     sha256 of the key
  core-system   quote    sha256:5d1f0c8e…
  alice         analyst  sha256:0b8a33e2…

Roles: quote (assess, quote, batch, rulesets), analyst (and lint, test, impact
with edited rulesets, which live for one request), admin (and reload).
'anzexian serve keygen --id ID --role ROLE' makes a key and its line.`,
		Example: `  anzexian serve
  anzexian serve --addr 127.0.0.1:8080 --rulesets /etc/anzexian/rulesets --cases examples
  anzexian serve keygen --id core-system --role quote --append keys.txt
  anzexian serve --addr :8443 --keys keys.txt --tls-cert cert.pem --tls-key key.pem --decision-log /var/log/anzexian/decisions.jsonl
  curl -s -H 'Content-Type: application/yaml' --data-binary @examples/enterprises/hunan-hazchem-storage.yaml \
    'http://127.0.0.1:8080/v1/assess?at=2026-01-01'`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return runServe(env, &o, c.Flags().Changed("cases"))
		},
	}
	f := c.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port); beyond loopback it needs --keys")
	f.StringVar(&o.rulesets, "rulesets", "", "directory of rulesets served on top of the bundled ones (reloaded on change)")
	f.StringVar(&o.cases, "cases", "examples", "directory of the analysts' cases /v1/test and the workbench run (skipped when the default is missing)")
	f.StringVar(&o.keys, "keys", "", "file of API keys: ID ROLE sha256:HEX a line")
	f.StringVar(&o.decisionLog, "decision-log", "", "append a JSON line per answer to this file (who asked, facts and rulesets digests, the answer)")
	f.StringVar(&o.decisionLogMax, "decision-log-max-size", "100MiB", "rotate the decision log past this size")
	f.IntVar(&o.decisionLogKeep, "decision-log-keep", 10, "rotated decision logs kept (FILE.1 … FILE.N)")
	f.StringVar(&o.tlsCert, "tls-cert", "", "TLS certificate (PEM): serve HTTPS")
	f.StringVar(&o.tlsKey, "tls-key", "", "TLS private key (PEM)")
	f.BoolVar(&o.behindProxy, "behind-tls-proxy", false, "a proxy in front terminates TLS: accept keys over plain HTTP beyond loopback")
	f.BoolVar(&o.noKeys, "insecure-no-keys", false, "listen beyond loopback without keys: anyone who reaches the address may use every endpoint")
	f.StringArrayVar(&o.cors, "cors-origin", nil, "origin (https://host[:port]) whose pages may call the API from a browser (repeatable; none by default)")
	f.StringVar(&o.maxBody, "max-body", "1MiB", "largest body of assess and quote")
	f.StringVar(&o.maxBook, "max-book", "1GiB", "largest book streamed to batch or impact")
	f.StringVar(&o.maxXLSX, "max-xlsx", "64MiB", "largest XLSX book (spooled to a temporary file, then read whole)")
	f.DurationVar(&o.timeout, "timeout", 30*time.Second, "time limit of a request answered at once")
	f.DurationVar(&o.bookTimeout, "book-timeout", time.Hour, "time limit of a batch or an impact")
	f.IntVar(&o.maxHeavy, "max-heavy", 2, "requests each of batch, impact and test may run at once (more get 429)")
	f.DurationVar(&o.shutdown, "shutdown-timeout", 30*time.Second, "how long SIGTERM waits for requests in flight")
	f.StringVar(&o.logFormat, "log-format", "", "log format: json or text (default: text on a terminal, else json)")
	f.StringVar(&o.logLevel, "log-level", "info", "log level: debug (every request), info, warn or error")
	f.StringVar(&o.debugAddr, "debug-addr", "", "serve Go's profiler (net/http/pprof) on this loopback address, apart from the API")
	c.MarkFlagDirname("rulesets")
	c.MarkFlagDirname("cases")
	c.RegisterFlagCompletionFunc("log-format", completeValues("json", "text"))
	c.RegisterFlagCompletionFunc("log-level", completeValues("debug", "info", "warn", "error"))
	c.AddCommand(newKeygenCmd(env))
	return c
}

func newKeygenCmd(env *cliEnv) *cobra.Command {
	var id, role, appendTo string
	c := &cobra.Command{
		Use:   "keygen --id ID --role quote|analyst|admin [--append KEYS_FILE]",
		Short: "Make an API key and the line of the keys file that admits it",
		Long: `Make an API key (azx_ and 256 random bits) and print it, then the line of the
keys file that admits it: its id, role and SHA-256. The key is shown once and
never stored; give it to the client. --append adds the line to a keys file
(created with mode 0600 if missing); a running server reads it on SIGHUP or
POST /v1/reload.`,
		Example: `  anzexian serve keygen --id core-system --role quote
  anzexian serve keygen --id alice --role analyst --append keys.txt`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			r, err := server.ParseRole(role)
			if err != nil {
				return usagef("--role: %v", err)
			}
			key, line, err := server.GenerateKey(id, r)
			if err != nil {
				return usagef("--id: %v", err)
			}
			fmt.Fprintf(env.stdout, "%s\n", key)
			if appendTo == "" {
				fmt.Fprintf(env.stderr, "the key above is shown once; the keys file line that admits it:\n%s\n", line)
				return nil
			}
			f, err := os.OpenFile(appendTo, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
			if err != nil {
				env.errorf("%v", err)
				return exitCode(2)
			}
			_, err = fmt.Fprintln(f, line)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				env.errorf("%v", err)
				return exitCode(2)
			}
			fmt.Fprintf(env.stderr, "the key above is shown once; %s admits it as %s (%s)\n", appendTo, id, r)
			return nil
		},
	}
	c.Flags().StringVar(&id, "id", "", "the key's id, named in logs and the decision log")
	c.Flags().StringVar(&role, "role", "", "quote, analyst or admin")
	c.Flags().StringVar(&appendTo, "append", "", "keys file to append the line to")
	c.MarkFlagRequired("id")
	c.MarkFlagRequired("role")
	c.RegisterFlagCompletionFunc("role", completeValues("quote", "analyst", "admin"))
	return c
}

// parseSize reads a size: 1048576, 512KiB, 64MiB, 1GiB (KB, MB, GB are
// taken as the same powers of two).
func parseSize(flag, s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}}
	mult := int64(1)
	num := strings.TrimSpace(s)
	for _, u := range units {
		if strings.HasSuffix(num, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > (1<<50)/mult {
		return 0, usagef("--%s: %q is not a size (1048576, 512KiB, 64MiB, 1GiB)", flag, s)
	}
	return n * mult, nil
}

func newLogger(env *cliEnv, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, usagef("--log-level must be debug, info, warn or error, not %q", level)
	}
	if format == "" {
		format = "json"
		if isTerminal(env.stderr) {
			format = "text"
		}
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(env.stderr, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(env.stderr, opts)), nil
	}
	return nil, usagef("--log-format must be json or text, not %q", format)
}

func runServe(env *cliEnv, o *serveFlags, casesGiven bool) error {
	log, err := newLogger(env, o.logFormat, o.logLevel)
	if err != nil {
		return err
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return usagef("--tls-cert and --tls-key go together")
	}
	cfg := server.Config{RulesetsDir: o.rulesets, CasesDir: o.cases, KeysFile: o.keys, DecisionLog: o.decisionLog,
		DecisionLogKeep: o.decisionLogKeep, CORSOrigins: o.cors, Logger: log, Version: moduleVersion()}
	if !casesGiven {
		if info, err := os.Stat(o.cases); err != nil || !info.IsDir() {
			cfg.CasesDir = "" // no examples/ here: /v1/test runs the cases a request brings
		}
	}
	l := &cfg.Limits
	if cfg.DecisionLogMaxSize, err = parseSize("decision-log-max-size", o.decisionLogMax); err != nil {
		return err
	}
	if l.Body, err = parseSize("max-body", o.maxBody); err != nil {
		return err
	}
	if l.Book, err = parseSize("max-book", o.maxBook); err != nil {
		return err
	}
	if l.XLSX, err = parseSize("max-xlsx", o.maxXLSX); err != nil {
		return err
	}
	if o.timeout <= 0 || o.bookTimeout <= 0 || o.shutdown <= 0 {
		return usagef("--timeout, --book-timeout and --shutdown-timeout must be positive")
	}
	if o.maxHeavy < 1 {
		return usagef("--max-heavy must be at least 1")
	}
	l.Timeout, l.BookTimeout, l.Heavy = o.timeout, o.bookTimeout, o.maxHeavy
	if err := server.CheckExposure(o.addr, o.keys != "", o.tlsCert != "", o.behindProxy, o.noKeys); err != nil {
		env.errorf("%v", err)
		return exitCode(2)
	}
	if server.IsLoopback(o.addr) && o.keys == "" {
		log.Warn("no --keys: every request may use every endpoint (fine on loopback for one person; give --keys to share it)")
	}
	s, err := server.New(cfg)
	if err != nil {
		printErr(err, env)
		return exitCode(2)
	}
	defer s.Close()
	if os.Getenv("GOGC") == "" {
		// What the server keeps alive is small (the compiled rulesets, some
		// tens of MB) and every answer allocates short-lived memory: at the
		// default GOGC=100 the collector ran several times a second and
		// cost a third of an answer's CPU (BENCHMARKS.md, "anzexian serve").
		// 400 lets the heap grow to five times what is live.
		debug.SetGCPercent(400)
	}
	if o.debugAddr != "" {
		if !server.IsLoopback(o.debugAddr) {
			return usagef("--debug-addr must be a loopback address: the profiler shows the process's memory")
		}
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		go func() {
			if err := http.ListenAndServe(o.debugAddr, mux); err != nil {
				log.Error("--debug-addr", "error", err)
			}
		}()
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		env.errorf("%v", err)
		return exitCode(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				s.Reload(ctx, "signal")
			}
		}
	}()
	err = s.Serve(ctx, ln, server.ServeOptions{TLSCert: o.tlsCert, TLSKey: o.tlsKey, ShutdownTimeout: o.shutdown})
	if err != nil && !errors.Is(err, context.Canceled) {
		env.errorf("%v", err)
		return exitCode(1)
	}
	return nil
}

// moduleVersion is the module version of the build, "(devel)" for a build
// from a clone.
func moduleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
