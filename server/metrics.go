package server

import (
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the server's Prometheus metrics, on a registry of its own
// (so that two servers in one process, as in tests, do not collide), with
// the Go runtime's and the process's collectors.
//
//	anzexian_http_requests_total{endpoint,code}           requests answered
//	anzexian_http_request_duration_seconds{endpoint,code} latency (histogram)
//	anzexian_http_requests_in_flight{endpoint}            requests being answered
//	anzexian_http_rejected_total{endpoint,reason}         refused: auth, forbidden, busy, too_large
//	anzexian_assessments_total{endpoint,outcome}          enterprises assessed (ok, error)
//	anzexian_reloads_total{result}                        reloads (ok, error)
//	anzexian_reload_ok                                    1 when the last reload succeeded
//	anzexian_reload_last_success_timestamp_seconds        when the served rulesets were loaded
//	anzexian_rulesets_info{key,digest,origin}             1 for each ruleset served
//	anzexian_registry_info{digest,rulesets}               1: the digest of the whole set served
//	anzexian_decision_log_lines_total                     lines appended to the decision log
//	anzexian_decision_log_errors_total                    writes or syncs that failed
//	anzexian_decision_log_rotations_total                 rotations by size
//	anzexian_build_info{version}                          1
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	inFlight   *prometheus.GaugeVec
	rejected   *prometheus.CounterVec
	assessed   *prometheus.CounterVec
	reloads    *prometheus.CounterVec
	reloadOK   prometheus.Gauge
	reloadTime prometheus.Gauge
	rulesets   *prometheus.GaugeVec
	registry   *prometheus.GaugeVec
	dlogLines  prometheus.Counter
	dlogErrors prometheus.Counter
	dlogRotate prometheus.Counter
}

func newMetrics(version string) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "anzexian_http_requests_total", Help: "HTTP requests answered, by endpoint and status code.",
	}, []string{"endpoint", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "anzexian_http_request_duration_seconds", Help: "Time to answer an HTTP request, by endpoint and status code.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
	}, []string{"endpoint", "code"})
	m.inFlight = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "anzexian_http_requests_in_flight", Help: "Requests being answered, by endpoint.",
	}, []string{"endpoint"})
	m.rejected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "anzexian_http_rejected_total", Help: "Requests refused before any work: no or unknown key (auth), a role too weak (forbidden), the endpoint's concurrency limit reached (busy), a body over its limit (too_large).",
	}, []string{"endpoint", "reason"})
	m.assessed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "anzexian_assessments_total", Help: "Enterprises assessed, by endpoint and outcome (ok, error).",
	}, []string{"endpoint", "outcome"})
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "anzexian_reloads_total", Help: "Reloads of the rulesets, cases and keys, by result (ok, error). A failed reload keeps the previous rulesets serving.",
	}, []string{"result"})
	m.reloadOK = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "anzexian_reload_ok", Help: "1 when the last reload succeeded, 0 when it failed (the previous rulesets keep serving).",
	})
	m.reloadTime = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "anzexian_reload_last_success_timestamp_seconds", Help: "When the rulesets served were loaded (Unix time).",
	})
	m.rulesets = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "anzexian_rulesets_info", Help: "1 for each ruleset served: its key (id@version), content digest and origin (bundled, local).",
	}, []string{"key", "digest", "origin"})
	m.registry = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "anzexian_registry_info", Help: "1 for the set of rulesets served: the digest of every ruleset's key and digest, and how many there are.",
	}, []string{"digest", "rulesets"})
	m.dlogLines = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "anzexian_decision_log_lines_total", Help: "Lines appended to the decision log.",
	})
	m.dlogErrors = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "anzexian_decision_log_errors_total", Help: "Writes, syncs or rotations of the decision log that failed.",
	})
	m.dlogRotate = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "anzexian_decision_log_rotations_total", Help: "Rotations of the decision log by size.",
	})
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "anzexian_build_info", Help: "1, labelled with the version the binary was built from.",
	}, []string{"version"})
	build.WithLabelValues(version).Set(1)
	m.reg.MustRegister(m.requests, m.duration, m.inFlight, m.rejected, m.assessed, m.reloads, m.reloadOK,
		m.reloadTime, m.rulesets, m.registry, m.dlogLines, m.dlogErrors, m.dlogRotate, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// setRulesets labels the info metrics with what st serves.
func (m *metrics) setRulesets(st *state) {
	m.rulesets.Reset()
	for _, rs := range st.reg.Rulesets() {
		origin := "bundled"
		if strings.HasPrefix(rs.File, localPrefix) {
			origin = "local"
		}
		m.rulesets.WithLabelValues(rs.Key(), rs.Digest, origin).Set(1)
	}
	m.registry.Reset()
	m.registry.WithLabelValues(st.digest, strconv.Itoa(len(st.reg.Rulesets()))).Set(1)
}

// endpointMetrics are one endpoint's metrics with their labels resolved
// once per status code, when it is first answered, so that a request does
// no label lookup (and a code never answered has no series).
type endpointMetrics struct {
	name     string
	inFlight prometheus.Gauge
	byCode   [500]atomic.Pointer[codeMetrics] // codes 100–599
	m        *metrics
}

type codeMetrics struct {
	count    prometheus.Counter
	duration prometheus.Observer
}

func (m *metrics) endpoint(name string) *endpointMetrics {
	return &endpointMetrics{name: name, inFlight: m.inFlight.WithLabelValues(name), m: m}
}

func (e *endpointMetrics) observe(code int, seconds float64) {
	if code < 100 || code > 599 {
		code = 500
	}
	slot := &e.byCode[code-100]
	cm := slot.Load()
	if cm == nil {
		s := strconv.Itoa(code)
		cm = &codeMetrics{count: e.m.requests.WithLabelValues(e.name, s), duration: e.m.duration.WithLabelValues(e.name, s)}
		slot.Store(cm)
	}
	cm.count.Inc()
	cm.duration.Observe(seconds)
}
