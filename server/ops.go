package server

import (
	"context"
	"embed"
	"io/fs"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Operations: /healthz (the process answers), /readyz (it serves rulesets
// and is not shutting down; the last reload's outcome), /metrics
// (Prometheus), /v1/session (who the key is), /v1/reload (admin), the
// OpenAPI document and the workbench.

func (s *Server) handleHealthz(c *call, w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
}

// readiness is what /readyz answers.
type readiness struct {
	Status   string        `json:"status"` // ready, draining
	Rulesets int           `json:"rulesets"`
	Digest   string        `json:"digest"`
	Loaded   time.Time     `json:"loaded"`
	Cases    int           `json:"cases"`
	Keys     bool          `json:"keys"`
	Reload   *reloadStatus `json:"last_reload"`
}

// handleReadyz answers 200 while the server serves and 503 once it is
// shutting down. A failed reload does not make it unready: the previous
// rulesets keep serving (a bad file pushed to every copy must not take
// the service down); last_reload says that it failed and why, as do the
// metric anzexian_reload_ok and the log.
func (s *Server) handleReadyz(c *call, w http.ResponseWriter, r *http.Request) {
	st := s.state.Load()
	rd := readiness{Status: "ready", Rulesets: len(st.reg.Rulesets()), Digest: st.digest, Loaded: st.loaded.UTC(),
		Cases: len(st.cases), Keys: st.keys != nil, Reload: s.lastReload.Load()}
	code := http.StatusOK
	if s.draining.Load() {
		rd.Status, code = "draining", http.StatusServiceUnavailable
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, code, rd)
}

func (s *Server) handleSession(c *call, w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, struct {
		KeyID        string `json:"key_id"`
		Role         string `json:"role"`
		KeysRequired bool   `json:"keys_required"`
	}{c.key.ID, c.key.Role.String(), c.st.keys != nil})
}

func (s *Server) handleReload(c *call, w http.ResponseWriter, r *http.Request) {
	err := s.Reload(context.WithoutCancel(r.Context()), "api")
	if err != nil {
		p := problemOf(err)
		p.Type, p.Code, p.Title = problemType("reload.failed"), "reload.failed", "The reload failed; the previous rulesets keep serving"
		if p.Status == http.StatusInternalServerError {
			p.Status, p.Detail = http.StatusUnprocessableEntity, err.Error()
		}
		writeProblem(w, c, p)
		return
	}
	st := s.state.Load()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "digest": st.digest, "rulesets": len(st.reg.Rulesets())})
}

//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI returns the OpenAPI 3.1 document of the API.
func OpenAPI() []byte { return openAPIDoc }

func (s *Server) handleOpenAPI(c *call, w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(openAPIDoc)))
	w.Write(openAPIDoc)
}

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{ErrorLog: nil})
}

//go:embed web
var webFiles embed.FS

var webFS = func() fs.FS {
	sub, err := fs.Sub(webFiles, "web")
	if err != nil {
		panic(err)
	}
	return sub
}()

// workbenchCSP lets the workbench's page run its own script and style and
// call this server, and nothing else: no inline script, no other origin,
// no framing.
const workbenchCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
	"form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

func (s *Server) handleWeb(c *call, w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", workbenchCSP)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-cache")
	http.FileServerFS(webFS).ServeHTTP(w, r)
}

// outer answers CORS preflights (OPTIONS, which the routes do not take)
// for the configured origins, and a method the API does not use with a
// problem, then hands the request to the routes.
func (s *Server) outer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions && len(s.cors) > 0 && s.corsPreflight(w, r) {
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodPost && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, POST")
			writeProblem(w, nil, newProblem(http.StatusMethodNotAllowed, "request.method", "Method not allowed",
				r.Method+" is not a method of this API: GET reads, POST asks"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
