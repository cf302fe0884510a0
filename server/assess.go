package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/coverage"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/report"
)

// /v1/assess and /v1/quote: one enterprise, or several, answered at once.
//
// The body is the facts contract, exactly what `anzexian assess` reads: a
// JSON object (one enterprise) or array (several), or YAML (a stream of
// documents separated by ---), by Content-Type (application/json,
// application/yaml) or, without one, by its first character. The query says
// how to answer: at (the as-of date, default today in China), insurer,
// trace, and for assess form=brief (the brief form of batch's lines) and
// format=text with lang=zh|en (the text for people). The JSON of each answer
// is byte for byte what `anzexian assess --format json` prints
// (Assessment.AppendJSON); several are a JSON array of them. A request
// answers all its enterprises or none: the first that cannot be answered
// makes the whole request a problem naming it.

// bufPool holds the buffers requests read their body into and write their
// answer to.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) <= 1<<20 {
		*b = (*b)[:0]
		bufPool.Put(b)
	}
}

// answerQuery is the query of /v1/assess and /v1/quote.
type answerQuery struct {
	at      facts.Date
	insurer string
	trace   bool
	brief   bool
	text    bool
	lang    report.Lang
}

func parseAnswerQuery(r *http.Request, quote bool) (answerQuery, *Problem) {
	q := answerQuery{lang: report.Chinese}
	if r.URL.RawQuery == "" {
		q.at = facts.Today()
		return q, nil
	}
	v := r.URL.Query()
	for k := range v {
		switch k {
		case "at", "insurer", "trace":
		case "form", "format", "lang":
			if !quote {
				continue
			}
			fallthrough
		default:
			return q, badRequest("unknown query parameter %q (parameters: %s)", k, map[bool]string{
				false: "at, insurer, trace, form, format, lang", true: "at, insurer, trace"}[quote])
		}
	}
	if s := v.Get("at"); s != "" {
		d, err := facts.ParseDate(s)
		if err != nil {
			return q, badRequest("at: %v (YYYY-MM-DD)", err)
		}
		q.at = d
	} else {
		q.at = facts.Today()
	}
	q.insurer = v.Get("insurer")
	var p *Problem
	if q.trace, p = boolParam(v.Get("trace"), "trace"); p != nil {
		return q, p
	}
	switch v.Get("form") {
	case "", "full":
	case "brief":
		q.brief = true
	default:
		return q, badRequest("form must be full or brief, not %q", v.Get("form"))
	}
	switch v.Get("format") {
	case "", "json":
	case "text":
		q.text = true
	default:
		return q, badRequest("format must be json or text, not %q", v.Get("format"))
	}
	switch l := v.Get("lang"); l {
	case "", "zh":
	case "en":
		q.lang = report.English
	default:
		return q, badRequest("lang must be zh or en, not %q", l)
	}
	if q.brief && q.text {
		return q, badRequest("form=brief is a JSON form; leave out format=text")
	}
	return q, nil
}

func boolParam(s, name string) (bool, *Problem) {
	switch s {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, badRequest("%s must be true or false, not %q", name, s)
}

func badRequest(format string, args ...any) *Problem {
	return newProblem(http.StatusBadRequest, "request.invalid", "The request is invalid", fmt.Sprintf(format, args...))
}

func (s *Server) handleAssess(c *call, w http.ResponseWriter, r *http.Request) {
	s.answer(c, w, r, false)
}
func (s *Server) handleQuote(c *call, w http.ResponseWriter, r *http.Request) {
	s.answer(c, w, r, true)
}

func (s *Server) answer(c *call, w http.ResponseWriter, r *http.Request, quote bool) {
	q, p := parseAnswerQuery(r, quote)
	if p != nil {
		writeProblem(w, c, p)
		return
	}
	body := getBuf()
	defer putBuf(body)
	if err := readBody(r, body); err != nil {
		writeProblem(w, c, problemOf(err))
		return
	}
	fs, array, p := decodeFacts(r.Header.Get("Content-Type"), *body, s.cfg.Limits.MaxEnterprises)
	if p != nil {
		writeProblem(w, c, p)
		return
	}
	opts := make([]anzexian.Option, 0, 3)
	opts = append(opts, anzexian.At(q.at))
	if q.insurer != "" {
		opts = append(opts, anzexian.Insurer(q.insurer))
	}
	if q.trace {
		opts = append(opts, anzexian.WithTrace())
	}
	out := getBuf()
	defer putBuf(out)
	b := *out
	if array {
		b = append(b, '[')
	}
	var dec *decision
	var dlines []byte
	if s.dlog != nil {
		sum := sha256.Sum256(*body)
		dec = &decision{time: time.Now(), requestID: c.id, keyID: c.key.ID, endpoint: c.ep.name,
			factsDigest: "sha256:" + hex.EncodeToString(sum[:])}
	}
	var text bytes.Buffer
	var bad diag.Diagnostics
	var firstErr error
	for i, f := range fs {
		if err := r.Context().Err(); err != nil {
			writeProblem(w, c, newProblem(http.StatusServiceUnavailable, "request.timeout", "The request took too long",
				"the time limit ran out after "+strconv.Itoa(i)+" enterprises"))
			return
		}
		var a *anzexian.Assessment
		var err error
		if quote {
			var qt *anzexian.Quote
			if qt, err = c.st.eng.Quote(f, opts...); err == nil {
				if array && i > 0 {
					b = append(b, ',')
				}
				var j []byte
				if j, err = json.Marshal(qt); err == nil {
					b = append(b, j...)
					a = &anzexian.Assessment{Region: qt.Region, AsOf: qt.AsOf, Insurer: qt.Insurer, Rulesets: qt.Rulesets,
						Coverage: &coverage.Result{Obligation: qt.Obligation}, Premium: qt.Premium, PremiumIncomplete: qt.PremiumIncomplete}
				}
			}
		} else if a, err = c.st.eng.Assess(f, opts...); err == nil {
			switch {
			case q.text:
				if i > 0 {
					text.WriteString(strings.Repeat("─", 60) + "\n")
				}
				err = report.WriteAssessmentLang(&text, a, q.lang)
			default:
				if array && i > 0 {
					b = append(b, ',')
				}
				if q.brief {
					b = portfolio.AppendBrief(b, a, 0)
				} else {
					b = a.AppendJSON(b)
				}
			}
		}
		if err != nil {
			s.metrics.assessed.WithLabelValues(c.ep.name, "error").Inc()
			if firstErr == nil {
				firstErr = err
			}
			ds := diagnosticsOf(err)
			if array {
				ds = prefixPaths(ds, i)
			}
			bad = append(bad, ds...)
			continue
		}
		s.metrics.assessed.WithLabelValues(c.ep.name, "ok").Inc()
		if dec != nil {
			dlines = appendDecision(dlines, dec, i, a)
		}
	}
	if firstErr != nil {
		p := problemOf(firstErr)
		if array {
			p.Diagnostics = bad
			if len(fs) > 1 {
				p.Detail = "no enterprise answered: " + p.Detail
			}
		}
		writeProblem(w, c, p)
		return
	}
	if dec != nil {
		if err := s.dlog.Append(dlines, len(fs)); err != nil {
			writeProblem(w, c, newProblem(http.StatusInternalServerError, "decision_log.failed",
				"The answer could not be recorded in the decision log", "no answer is given that the log does not hold"))
			return
		}
	}
	h := w.Header()
	if q.text {
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Content-Length", strconv.Itoa(text.Len()))
		w.Write(text.Bytes())
		return
	}
	if array {
		b = append(b, ']')
	}
	b = append(b, '\n')
	*out = b
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

// readBody reads the request body into buf (its limit is set by the
// endpoint).
func readBody(r *http.Request, buf *[]byte) error {
	b := (*buf)[:0]
	if n := r.ContentLength; n > 0 && int64(cap(b)) < n {
		b = make([]byte, 0, n+1)
	}
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			*buf = b
			return err
		}
	}
	*buf = b
	return nil
}

// decodeFacts decodes a body of facts: a JSON object or array, or YAML. It
// returns whether the answer is an array.
func decodeFacts(contentType string, body []byte, maxEnterprises int) ([]*facts.Facts, bool, *Problem) {
	syntax := ""
	if contentType == "application/json" { // the common case, without parsing
		syntax = "json"
	} else if contentType != "" {
		mt, _, err := mime.ParseMediaType(contentType)
		if err != nil {
			return nil, false, unsupported(contentType)
		}
		switch {
		case mt == "application/json" || strings.HasSuffix(mt, "+json"):
			syntax = "json"
		case mt == "application/yaml" || mt == "application/x-yaml" || mt == "text/yaml" || mt == "text/x-yaml":
			syntax = "yaml"
		case mt == "text/plain":
		default:
			return nil, false, unsupported(contentType)
		}
	}
	first := firstByte(body)
	if syntax == "" {
		syntax = "yaml"
		if first == '{' || first == '[' {
			syntax = "json"
		}
	}
	if syntax == "json" {
		switch first {
		case '{':
			f, err := facts.DecodeLine("request", 1, body)
			if err != nil {
				return nil, false, factsProblem(body, err)
			}
			return []*facts.Facts{f}, false, nil
		case '[':
			fs, p := decodeArray(body, maxEnterprises)
			return fs, true, p
		}
		return nil, false, newProblem(http.StatusUnprocessableEntity, "facts.invalid", "The facts are invalid",
			"a JSON body is an enterprise's facts (an object) or several (an array of objects)")
	}
	fs, err := facts.Decode("request", body)
	if err != nil {
		return nil, false, problemOf(err)
	}
	if len(fs) > maxEnterprises {
		return nil, false, tooMany(maxEnterprises)
	}
	return fs, len(fs) > 1, nil
}

func unsupported(ct string) *Problem {
	return newProblem(http.StatusUnsupportedMediaType, "request.media_type", "Unsupported media type",
		fmt.Sprintf("facts are application/json or application/yaml, not %q", ct))
}

func tooMany(n int) *Problem {
	return newProblem(http.StatusRequestEntityTooLarge, "request.too_many", "Too many enterprises in one request",
		fmt.Sprintf("one request answers at most %d enterprises; send a book to /v1/batch", n))
}

func firstByte(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case 0xef: // a byte-order mark
			continue
		}
		return c
	}
	return 0
}

// factsProblem is the problem of facts that did not decode on the fast
// JSON path, whose positions count a document as one line: a document of
// several lines is decoded again by the document decoder, which reports
// the same problems at their line and column.
func factsProblem(doc []byte, err error) *Problem {
	if bytes.IndexByte(doc, '\n') >= 0 {
		if _, err2 := facts.Decode("request", doc); err2 != nil {
			return problemOf(err2)
		}
	}
	return problemOf(err)
}

// decodeArray decodes a JSON array of enterprises. Problems are reported
// at their line and column in the whole body, with [i] before their path.
func decodeArray(body []byte, maxEnterprises int) ([]*facts.Facts, *Problem) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil {
		return nil, syntaxProblem(body, dec.InputOffset(), err)
	}
	var fs []*facts.Facts
	var diags diag.Diagnostics
	for i := 0; dec.More(); i++ {
		if i >= maxEnterprises {
			return nil, tooMany(maxEnterprises)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntaxProblem(body, dec.InputOffset(), err)
		}
		start := int(dec.InputOffset()) - len(raw)
		line, col := position(body, start)
		f, err := facts.DecodeLine("request", 1, raw)
		if err != nil {
			// again, with positions in the element, moved to the body's
			var err2 error
			if bytes.IndexByte(raw, '\n') >= 0 {
				_, err2 = facts.Decode("request", raw)
			} else {
				_, err2 = facts.DecodeLine("request", 1, raw)
			}
			if err2 == nil {
				err2 = err
			}
			diags = append(diags, prefixPaths(shift(diagnosticsOf(err2), body, line, col), i)...)
			continue
		}
		fs = append(fs, f)
	}
	if _, err := dec.Token(); err != nil {
		return nil, syntaxProblem(body, dec.InputOffset(), err)
	}
	if diags.HasErrors() {
		return nil, &Problem{Type: problemType("facts.invalid"), Title: "The facts are invalid", Status: http.StatusUnprocessableEntity,
			Code: "facts.invalid", Detail: diags.Error(), Diagnostics: diags}
	}
	if len(fs) == 0 {
		return nil, newProblem(http.StatusUnprocessableEntity, "facts.empty", "No enterprise in the request", "the array is empty")
	}
	return fs, nil
}

func syntaxProblem(body []byte, off int64, err error) *Problem {
	line, col := position(body, int(off))
	d := &diag.Diagnostic{Severity: diag.SeverityError, Code: "facts.syntax", Summary: "JSON: " + err.Error(),
		Subject: diag.Range{File: "request", Start: diag.Pos{Line: line, Column: col}}, Source: sourceLine(body, line)}
	return &Problem{Type: problemType("facts.invalid"), Title: "The facts are invalid", Status: http.StatusUnprocessableEntity,
		Code: "facts.invalid", Detail: d.Error(), Diagnostics: diag.Diagnostics{d}}
}

// position returns the 1-based line and column (in characters) of the byte
// offset off of b.
func position(b []byte, off int) (line, col int) {
	off = min(max(off, 0), len(b))
	line = 1 + bytes.Count(b[:off], []byte{'\n'})
	ls := bytes.LastIndexByte(b[:off], '\n') + 1
	return line, 1 + utf8.RuneCount(b[ls:off])
}

func sourceLine(b []byte, line int) string {
	for i := 1; i < line; i++ {
		j := bytes.IndexByte(b, '\n')
		if j < 0 {
			return ""
		}
		b = b[j+1:]
	}
	if j := bytes.IndexByte(b, '\n'); j >= 0 {
		b = b[:j]
	}
	return strings.TrimRight(string(b), "\r")
}

// shift moves diagnostics of an element that starts at line:col of body to
// their place in body.
func shift(ds diag.Diagnostics, body []byte, line, col int) diag.Diagnostics {
	out := make(diag.Diagnostics, len(ds))
	for i, d := range ds {
		c := *d
		mv := func(p diag.Pos) diag.Pos {
			if !p.IsValid() {
				return p
			}
			if p.Line == 1 {
				p.Column += col - 1
			}
			p.Line += line - 1
			return p
		}
		c.Subject.Start, c.Subject.End = mv(c.Subject.Start), mv(c.Subject.End)
		if c.Subject.Start.IsValid() {
			c.Source = sourceLine(body, c.Subject.Start.Line)
		}
		out[i] = &c
	}
	return out
}

// prefixPaths puts the enterprise's index before the diagnostics' paths.
func prefixPaths(ds diag.Diagnostics, i int) diag.Diagnostics {
	out := make(diag.Diagnostics, len(ds))
	for j, d := range ds {
		c := *d
		if c.Path != "" {
			c.Path = "[" + strconv.Itoa(i) + "]." + c.Path
		} else {
			c.Path = "[" + strconv.Itoa(i) + "]"
		}
		out[j] = &c
	}
	return out
}
