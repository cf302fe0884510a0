// Package server is anzexian's HTTP service: a JSON API under /v1/ for
// insurers' systems (assess, quote, batch, rulesets) and analysts (lint,
// test, impact), the operations endpoints a company runs it with (/healthz,
// /readyz, Prometheus /metrics, reload, a decision log), and the analysts'
// workbench, a page set embedded in the binary, at /.
package server
