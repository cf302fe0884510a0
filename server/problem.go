package server

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/casetest"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rulesets"
)

// Problem is an error answered as application/problem+json (RFC 9457):
// the standard members, a stable code, the request's id and, for bad
// input, every diagnostic with its code, position, source line and hint.
//
//	{"type": "urn:anzexian:problem:facts.invalid", "title": "The facts are invalid", "status": 422,
//	 "detail": "request:3:16: employees must be a whole number …", "code": "facts.invalid",
//	 "request_id": "…", "diagnostics": [{"severity": "error", "code": "facts.type", …}]}
type Problem struct {
	Type        string           `json:"type"`
	Title       string           `json:"title"`
	Status      int              `json:"status"`
	Detail      string           `json:"detail,omitempty"`
	Code        string           `json:"code"`
	RequestID   string           `json:"request_id,omitempty"`
	Diagnostics diag.Diagnostics `json:"diagnostics,omitempty"`
}

// problemType is the type URI of a problem code.
func problemType(code string) string { return "urn:anzexian:problem:" + code }

func newProblem(status int, code, title, detail string) *Problem {
	return &Problem{Type: problemType(code), Title: title, Status: status, Code: code, Detail: detail}
}

// problemOf turns an error of the engine or the loaders into a problem:
// bad facts, rulesets, cases or stacks are the client's (422) and carry
// their diagnostics; anything else is the server's (500), without detail.
func problemOf(err error) *Problem {
	var (
		fe *facts.Error
		le *rulesets.LoadError
		se *rulesets.StackError
		ce *casetest.FileError
		be *portfolio.BatchError
		p  *Problem
	)
	switch {
	case errors.As(err, &p):
		return p
	case errors.As(err, &be):
		return &Problem{Type: problemType("book.bad_record"), Title: "A record of the book cannot be assessed", Status: http.StatusUnprocessableEntity,
			Code: "book.bad_record", Detail: be.Error(), Diagnostics: diagnosticsOf(be.Err)}
	case errors.As(err, &fe):
		return &Problem{Type: problemType("facts.invalid"), Title: "The facts are invalid", Status: http.StatusUnprocessableEntity,
			Code: "facts.invalid", Detail: err.Error(), Diagnostics: fe.Diagnostics}
	case errors.As(err, &le):
		return &Problem{Type: problemType("rulesets.invalid"), Title: "A ruleset does not load", Status: http.StatusUnprocessableEntity,
			Code: "rulesets.invalid", Detail: le.Error(), Diagnostics: le.Diagnostics}
	case errors.As(err, &se):
		code := "stack.invalid"
		if len(se.Diagnostics) > 0 && se.Diagnostics[0].Code != "" {
			code = se.Diagnostics[0].Code
		}
		return &Problem{Type: problemType(code), Title: "No answer from the rulesets that apply", Status: http.StatusUnprocessableEntity,
			Code: code, Detail: se.Error(), Diagnostics: se.Diagnostics}
	case errors.As(err, &ce):
		return &Problem{Type: problemType("cases.invalid"), Title: "A case file is invalid", Status: http.StatusUnprocessableEntity,
			Code: "cases.invalid", Detail: ce.Error(), Diagnostics: ce.Diagnostics}
	case errors.Is(err, anzexian.ErrNoRulesets):
		return newProblem(http.StatusServiceUnavailable, "rulesets.none", "No rulesets are served", "")
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return newProblem(http.StatusRequestEntityTooLarge, "request.too_large", "The request body is too large",
			"the body is over this endpoint's limit of "+byteSize(mbe.Limit))
	}
	return newProblem(http.StatusInternalServerError, "internal", "Internal error", "")
}

// diagnosticsOf returns the diagnostics an error carries, if any.
func diagnosticsOf(err error) diag.Diagnostics {
	var (
		fe *facts.Error
		se *rulesets.StackError
	)
	switch {
	case errors.As(err, &fe):
		return fe.Diagnostics
	case errors.As(err, &se):
		return se.Diagnostics
	}
	return nil
}

// writeProblem answers with p.
func writeProblem(w http.ResponseWriter, c *call, p *Problem) {
	if c != nil {
		p.RequestID = c.id
		c.problem = p
	}
	b, err := json.Marshal(p)
	if err != nil {
		b = []byte(`{"type":"urn:anzexian:problem:internal","title":"Internal error","status":500,"code":"internal"}`)
		p.Status = http.StatusInternalServerError
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Del("Content-Length")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	w.Write(append(b, '\n'))
}

// Error makes a Problem an error: its title and detail.
func (p *Problem) Error() string {
	if p.Detail == "" {
		return p.Title
	}
	return p.Title + ": " + p.Detail
}
