package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/casetest"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/regions"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/report"
	"github.com/anzexian/anzexian/rulesets"
)

// The rulesets served, and what analysts do with edited ones: lint, test,
// impact. An edited ruleset lives for one request: it is added to a copy of
// the served registry (rulesets.Registry.With), which the request drops when
// it ends; what others are served never changes.

// rulesetInfo is a ruleset as /v1/rulesets lists it.
type rulesetInfo struct {
	Key        string             `json:"key"`
	ID         string             `json:"id"`
	Version    string             `json:"version"`
	Title      string             `json:"title"`
	Region     string             `json:"region"`
	RegionName string             `json:"region_name"`
	Kind       rulesets.Kind      `json:"kind"`
	Insurer    string             `json:"insurer,omitempty"`
	Status     rulesets.Status    `json:"status"`
	Effective  rulesets.Effective `json:"effective"`
	Digest     string             `json:"digest"`
	File       string             `json:"file"`
	Origin     string             `json:"origin"`
	// Source is the text of the file the ruleset is read from (one ruleset
	// only).
	Source *string `json:"source,omitempty"`
}

func infoOf(rs *rulesets.Ruleset) rulesetInfo {
	origin := "bundled"
	if strings.HasPrefix(rs.File, localPrefix) {
		origin = "local"
	}
	name := "全国"
	if rs.Region != "" {
		name = regions.Label(rs.Region)
	}
	return rulesetInfo{Key: rs.Key(), ID: rs.ID, Version: rs.Version, Title: rs.Title, Region: rs.Region, RegionName: name,
		Kind: rs.Kind, Insurer: rs.Insurer, Status: rs.Status, Effective: rs.Effective, Digest: rs.Digest, File: rs.File, Origin: origin}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeProblem(w, nil, newProblem(http.StatusInternalServerError, "internal", "Internal error", ""))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func (s *Server) handleRulesets(c *call, w http.ResponseWriter, r *http.Request) {
	out := struct {
		Digest   string        `json:"digest"`
		Loaded   string        `json:"loaded"`
		Rulesets []rulesetInfo `json:"rulesets"`
	}{Digest: c.st.digest, Loaded: c.st.loaded.UTC().Format("2006-01-02T15:04:05Z"), Rulesets: []rulesetInfo{}}
	for _, rs := range c.st.reg.Rulesets() {
		out.Rulesets = append(out.Rulesets, infoOf(rs))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleRuleset(c *call, w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	rs := c.st.reg.Ruleset(key)
	if rs == nil {
		var keys []string
		for _, x := range c.st.reg.Rulesets() {
			if x.ID == key {
				keys = append(keys, x.Key())
			}
		}
		detail := "no ruleset " + key + " is served (GET /v1/rulesets lists them)"
		if len(keys) > 0 {
			detail = key + " is served in several versions: name one (" + strings.Join(keys, ", ") + ")"
		}
		writeProblem(w, c, newProblem(http.StatusNotFound, "rulesets.not_found", "No such ruleset", detail))
		return
	}
	info := infoOf(rs)
	for _, f := range c.st.reg.Files() {
		if f.Name == rs.File {
			src := string(f.Data)
			info.Source = &src
			break
		}
	}
	writeJSON(w, http.StatusOK, info)
}

// handleVocabulary answers the codes facts take, with their Chinese
// labels: the core vocabularies, and the codes the served rulesets declare
// (credit grades), for forms and for reading answers.
func (s *Server) handleVocabulary(c *call, w http.ResponseWriter, r *http.Request) {
	out := map[string][]facts.Code{}
	for _, p := range facts.CoreVocabularyPaths() {
		v, _ := facts.CoreVocabulary(p)
		out[p] = append([]facts.Code{}, v...)
	}
	for _, rs := range c.st.reg.Rulesets() {
		for p, v := range rs.Codes {
			for _, code := range v {
				if !slices.ContainsFunc(out[p], func(x facts.Code) bool { return x.Code == code.Code }) {
					out[p] = append(out[p], code)
				}
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// fileText is a file given by name and text in a JSON request.
type fileText struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// readJSON decodes the request's JSON body into v, strictly.
func readJSON(r *http.Request, v any) *Problem {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
			return newProblem(http.StatusUnsupportedMediaType, "request.media_type", "Unsupported media type",
				"this endpoint reads application/json, not "+quoteOr(ct, ""))
		}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if p := problemOf(err); p.Status == http.StatusRequestEntityTooLarge {
			return p
		}
		return badRequest("the body is not the JSON this endpoint reads: %v", err)
	}
	if dec.More() {
		return badRequest("the body holds more than one JSON value")
	}
	return nil
}

// editedFiles checks the names of uploaded rulesets: each names a YAML
// file, and none may be the name of a file served (the loader would show
// the served file's lines in the diagnostics of the edit): an edit of
// cn/rating-baseline.yaml is sent as, say, edited/cn/rating-baseline.yaml.
func editedFiles(st *state, in []fileText) ([]diag.File, *Problem) {
	served := map[string]bool{}
	for _, f := range st.reg.Files() {
		served[f.Name] = true
	}
	seen := map[string]bool{}
	var out []diag.File
	for i, f := range in {
		name := f.Name
		if name == "" {
			name = "edited-" + strconv.Itoa(i+1) + ".yaml"
		}
		if len(name) > 200 || strings.IndexFunc(name, unicode.IsControl) >= 0 {
			return nil, badRequest("ruleset name %q: at most 200 characters, none a control character", name)
		}
		if served[name] {
			return nil, newProblem(http.StatusUnprocessableEntity, "request.name_taken", "The name of an edited ruleset is a served file's",
				fmt.Sprintf("%q is the name of a served ruleset file; send the edit under another name, such as %q", name, "edited/"+name))
		}
		if seen[name] {
			return nil, badRequest("two rulesets are named %q", name)
		}
		seen[name] = true
		if len(f.Text) > rulesets.MaxRulesetSize {
			return nil, newProblem(http.StatusRequestEntityTooLarge, "request.too_large", "A ruleset is too large",
				fmt.Sprintf("%s is over the %s limit of a ruleset file", name, byteSize(rulesets.MaxRulesetSize)))
		}
		out = append(out, diag.File{Name: name, Data: []byte(f.Text)})
	}
	return out, nil
}

// lintResult is what /v1/lint answers.
type lintResult struct {
	OK          bool             `json:"ok"`
	Errors      int              `json:"errors"`
	Warnings    int              `json:"warnings"`
	Diagnostics diag.Diagnostics `json:"diagnostics"`
}

func (s *Server) handleLint(c *call, w http.ResponseWriter, r *http.Request) {
	var req struct {
		Rulesets []fileText `json:"rulesets"`
		Strict   bool       `json:"strict"`
	}
	if p := readJSON(r, &req); p != nil {
		writeProblem(w, c, p)
		return
	}
	files, p := editedFiles(c.st, req.Rulesets)
	if p != nil {
		writeProblem(w, c, p)
		return
	}
	var diags diag.Diagnostics
	reg := c.st.reg
	var err error
	if len(files) > 0 {
		reg, err = c.st.reg.With(files...)
	}
	if err != nil {
		le, ok := err.(*rulesets.LoadError)
		if !ok {
			writeProblem(w, c, problemOf(err))
			return
		}
		diags = le.Diagnostics
	} else {
		names := make([]string, len(files))
		for i, f := range files {
			names[i] = f.Name
		}
		sort.Strings(names)
		diags = rulesets.Lint(reg, names)
	}
	if diags == nil {
		diags = diag.Diagnostics{}
	}
	res := lintResult{Errors: len(diags.Errors()), Warnings: len(diags.Warnings()), Diagnostics: diags}
	res.OK = res.Errors == 0 && !(req.Strict && res.Warnings > 0)
	writeJSON(w, http.StatusOK, res)
}

// edited returns the served registry with the uploaded rulesets, or the
// problem with them.
func edited(st *state, in []fileText) (*rulesets.Registry, *Problem) {
	files, p := editedFiles(st, in)
	if p != nil {
		return nil, p
	}
	if len(files) == 0 {
		return st.reg, nil
	}
	reg, err := st.reg.With(files...)
	if err != nil {
		return nil, problemOf(err)
	}
	return reg, nil
}

func (s *Server) handleTest(c *call, w http.ResponseWriter, r *http.Request) {
	var req struct {
		Rulesets []fileText `json:"rulesets"`
		Cases    []fileText `json:"cases"`
		Run      string     `json:"run"`
		Coverage *bool      `json:"coverage"`
	}
	if p := readJSON(r, &req); p != nil {
		writeProblem(w, c, p)
		return
	}
	var re *regexp.Regexp
	if req.Run != "" {
		var err error
		if re, err = regexp.Compile(req.Run); err != nil {
			writeProblem(w, c, badRequest("run: %v", err))
			return
		}
	}
	reg, p := edited(c.st, req.Rulesets)
	if p != nil {
		writeProblem(w, c, p)
		return
	}
	cases := c.st.cases
	strip := ""
	if len(req.Cases) > 0 {
		dir, err := os.MkdirTemp("", "anzexian-cases-")
		if err != nil {
			writeProblem(w, c, problemOf(err))
			return
		}
		defer os.RemoveAll(dir)
		if p := writeCases(dir, req.Cases); p != nil {
			writeProblem(w, c, p)
			return
		}
		cases, err = casetest.Load(dir)
		strip = filepath.ToSlash(dir) + "/"
		if err != nil {
			p := problemOf(err)
			for i, d := range p.Diagnostics {
				x := *d
				x.Subject.File = strings.TrimPrefix(x.Subject.File, strip)
				p.Diagnostics[i] = &x
			}
			p.Detail = strings.ReplaceAll(p.Detail, strip, "")
			writeProblem(w, c, p)
			return
		}
	} else if cases == nil {
		writeProblem(w, c, newProblem(http.StatusUnprocessableEntity, "cases.none", "No cases to run",
			"the server has no case directory (anzexian serve --cases DIR); send case files in cases"))
		return
	}
	if re != nil {
		var kept []*casetest.Case
		for _, x := range cases {
			if re.MatchString(strings.TrimPrefix(x.File, strip) + "/" + x.Name) {
				kept = append(kept, x)
			}
		}
		cases = kept
	}
	run := casetest.NewRunner(anzexian.NewWithRegistry(reg)).RunAll(cases, false)
	sum := run.Summary(req.Coverage == nil || *req.Coverage)
	if strip != "" {
		for i := range sum.Failures {
			f := &sum.Failures[i]
			f.Case = strings.TrimPrefix(f.Case, strip)
			f.What = strings.ReplaceAll(f.What, strip, "")
			f.Diff = strings.ReplaceAll(f.Diff, strip, "")
		}
	}
	// the bytes `anzexian test --format json --coverage` prints
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		writeProblem(w, c, problemOf(err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(append(b, '\n'))
}

// writeCases writes uploaded case files under dir. Their names are
// relative paths inside it, and so must be every facts_file: and with: they
// name: an uploaded case reads nothing of the server's files.
func writeCases(dir string, files []fileText) *Problem {
	for _, f := range files {
		name := path.Clean(f.Name)
		if !fs.ValidPath(name) || name == "." || strings.HasPrefix(name, "../") {
			return badRequest("case file name %q: a relative path inside the upload (a/b.yaml)", f.Name)
		}
		ext := path.Ext(name)
		if ext != ".yaml" && ext != ".yml" && !(ext == ".json" && strings.Contains(name, ".golden/")) {
			return badRequest("case file %q: case files and the rulesets they name are .yaml; golden files .json in a <case file>.golden/ directory", f.Name)
		}
		if len(f.Text) > rulesets.MaxRulesetSize {
			return newProblem(http.StatusRequestEntityTooLarge, "request.too_large", "A case file is too large",
				fmt.Sprintf("%s is over the %s limit of a case file", f.Name, byteSize(rulesets.MaxRulesetSize)))
		}
		if ext != ".json" {
			if p := confined(name, []byte(f.Text)); p != nil {
				return p
			}
		}
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o700); err != nil {
			return problemOf(err)
		}
		if err := os.WriteFile(full, []byte(f.Text), 0o600); err != nil {
			return problemOf(err)
		}
	}
	return nil
}

// confined checks that the paths a case file names (facts_file:, with:)
// stay inside the upload.
func confined(name string, data []byte) *Problem {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil {
		return nil // the case loader reports it
	}
	var bad string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if bad != "" {
			return
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i].Value, n.Content[i+1]
				if k == "facts_file" || k == "with" {
					vals := []*yaml.Node{v}
					if v.Kind == yaml.SequenceNode {
						vals = v.Content
					}
					for _, x := range vals {
						p := path.Clean(path.Join(path.Dir(name), x.Value))
						if x.Kind != yaml.ScalarNode || path.IsAbs(x.Value) || !fs.ValidPath(p) || strings.HasPrefix(p, "../") {
							bad = fmt.Sprintf("%s:%d: %s: %q is outside the uploaded files", name, x.Line, k, x.Value)
							return
						}
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&doc)
	if bad != "" {
		return newProblem(http.StatusUnprocessableEntity, "cases.outside", "A case names a file outside the upload", bad)
	}
	return nil
}

// /v1/impact: an edited ruleset and a book, the report of what the edit
// does to it. The body is multipart/form-data: fields at, insurer, format
// (json, the default: the report as `anzexian impact --format json`
// prints it; html, the page; xlsx, the workbook; text; changed-csv, every
// changed enterprise, streamed), lang, top, bins; one part "ruleset" or
// more (the edited files; their file names name them); then either a part
// "book" (JSONL, CSV or XLSX, by its file name or type, streamed) or a
// field "generate" (the number of enterprises of a generated book, with
// "seed"). The fields and rulesets come before the book, which is read
// last, as it streams.

var impactFields = []string{"at", "insurer", "format", "lang", "top", "bins", "generate", "seed", "book_format"}

func (s *Server) handleImpact(c *call, w http.ResponseWriter, r *http.Request) {
	// the book part is read by the impact's pipelines, in goroutines of
	// their own: the body is closed (any Read ended) before returning
	body := newBookBody(r, nil, w, c)
	defer body.finish()
	defer body.close()
	r.Body = io.NopCloser(body)
	mr, err := r.MultipartReader()
	if err != nil {
		writeProblem(w, c, newProblem(http.StatusUnsupportedMediaType, "request.media_type", "Unsupported media type",
			"impact reads multipart/form-data: parts ruleset (one or more) and book, or a field generate"))
		return
	}
	fields := map[string]string{}
	var rs []fileText
	analyst := s.cfg.Limits.AnalystBody
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			writeProblem(w, c, bookOrBad(err))
			return
		}
		name := part.FormName()
		switch {
		case name == "ruleset":
			data, err := io.ReadAll(io.LimitReader(part, analyst+1))
			if err != nil {
				writeProblem(w, c, bookOrBad(err))
				return
			}
			analyst -= int64(len(data))
			if analyst < 0 {
				writeProblem(w, c, newProblem(http.StatusRequestEntityTooLarge, "request.too_large", "The rulesets are too large",
					"the rulesets of one request are over "+byteSize(s.cfg.Limits.AnalystBody)))
				return
			}
			rs = append(rs, fileText{Name: part.FileName(), Text: string(data)})
		case name == "book":
			s.impact(c, w, r, fields, rs, part, body)
			return
		case contains(impactFields, name):
			data, err := io.ReadAll(io.LimitReader(part, 257))
			if err != nil || len(data) > 256 {
				writeProblem(w, c, badRequest("field %s: at most 256 bytes", name))
				return
			}
			fields[name] = string(data)
		default:
			writeProblem(w, c, badRequest("unknown part %q (parts: ruleset, book, %s)", name, strings.Join(impactFields, ", ")))
			return
		}
	}
	s.impact(c, w, r, fields, rs, nil, body)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

func bookOrBad(err error) *Problem {
	if p := problemOf(err); p.Status != http.StatusInternalServerError {
		return p
	}
	return badRequest("the multipart body cannot be read: %v", err)
}

func (s *Server) impact(c *call, w http.ResponseWriter, r *http.Request, fields map[string]string, rs []fileText, book *multipart.Part, body *bookBody) {
	if len(rs) == 0 {
		writeProblem(w, c, badRequest("no edited ruleset: send one part named ruleset or more, before the book"))
		return
	}
	o := portfolio.ImpactOptions{Insurer: fields["insurer"], At: facts.Today()}
	if at := fields["at"]; at != "" {
		d, err := facts.ParseDate(at)
		if err != nil {
			writeProblem(w, c, badRequest("at: %v (YYYY-MM-DD)", err))
			return
		}
		o.At = d
	}
	format := fields["format"]
	switch format {
	case "":
		format = "json"
	case "json", "html", "xlsx", "text", "changed-csv":
	default:
		writeProblem(w, c, badRequest("format must be json, html, xlsx, text or changed-csv, not %q", format))
		return
	}
	lang := report.Chinese
	switch fields["lang"] {
	case "", "zh":
	case "en":
		lang = report.English
	default:
		writeProblem(w, c, badRequest("lang must be zh or en, not %q", fields["lang"]))
		return
	}
	for _, k := range []string{"top", "bins"} {
		if v := fields[k]; v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				writeProblem(w, c, badRequest("%s must be a whole number from 1 to 1000, not %q", k, v))
				return
			}
			if k == "top" {
				o.Top = n
			} else {
				o.Bins = n
			}
		}
	}
	if o.Insurer != "" && !c.st.reg.HasFiling(o.Insurer) {
		writeProblem(w, c, newProblem(http.StatusUnprocessableEntity, "stack.unknown_insurer", "Unknown insurer",
			"insurer "+quoteOr(o.Insurer, "")+" has no rate filing in any ruleset served"))
		return
	}
	after, p := edited(c.st, rs)
	if p != nil {
		writeProblem(w, c, p)
		return
	}
	var in io.Reader
	switch {
	case book != nil:
		o.Name = book.FileName()
		if o.Name == "" {
			o.Name = "book"
		}
		if bf := fields["book_format"]; bf != "" {
			if bf != "jsonl" && bf != "csv" && bf != "xlsx" {
				writeProblem(w, c, badRequest("book_format must be jsonl, csv or xlsx, not %q", bf))
				return
			}
			o.Format = portfolio.Format(bf)
		} else if ct := book.Header.Get("Content-Type"); ct != "" && ct != "application/octet-stream" && !strings.Contains(o.Name, ".") {
			var p *Problem
			if o.Format, p = formatOfMediaType(ct); p != nil {
				writeProblem(w, c, p)
				return
			}
		} else {
			o.Format = portfolio.FormatOf(o.Name)
		}
		in = book
		if o.Format == portfolio.XLSX {
			f, p := s.spoolBook(book, body, "impact")
			if p != nil {
				writeProblem(w, c, p)
				return
			}
			defer f.Close()
			in = f
		}
	case fields["generate"] != "":
		n, err := strconv.Atoi(fields["generate"])
		if err != nil || n < 1 || n > s.cfg.Limits.GenerateMax {
			writeProblem(w, c, badRequest("generate must be a number of enterprises from 1 to %d, not %q", s.cfg.Limits.GenerateMax, fields["generate"]))
			return
		}
		seed := uint64(1)
		if v := fields["seed"]; v != "" {
			if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
				writeProblem(w, c, badRequest("seed must be a whole number, not %q", v))
				return
			}
		}
		pr, pw := io.Pipe()
		defer pr.Close()
		go func() {
			pw2 := portfolio.NewWriter(pw, portfolio.JSONL)
			for f := range portfolio.GenerateSeq(seed, n) {
				if err := pw2.Write(f); err != nil {
					pw.CloseWithError(err)
					return
				}
			}
			pw.CloseWithError(pw2.Flush())
		}()
		in, o.Name, o.Format = pr, fmt.Sprintf("generated (seed %d, %d enterprises)", seed, n), portfolio.JSONL
	default:
		writeProblem(w, c, badRequest("no book: send a part named book (JSONL, CSV or XLSX) after the rulesets, or a field generate=N"))
		return
	}
	defer s.streamGC()()
	var lw *lazyWriter
	var cw *portfolio.ChangedWriter
	if format == "changed-csv" {
		http.NewResponseController(w).EnableFullDuplex() // the list streams while the book arrives
		lw = &lazyWriter{w: w, contentType: "text/csv; charset=utf-8"}
		w.Header().Set("Content-Disposition", `attachment; filename="changed.csv"`)
		cw = portfolio.NewChangedWriter(lw, portfolio.CSV)
		o.ChangedTo = cw.Write
		o.KeepChanged = -1
	}
	rep, err := portfolio.Impact(r.Context(), c.st.eng, in, after, o)
	// the pipelines may still be reading the body: end that first
	var sendErr error
	if lw != nil {
		sendErr = lw.err
	}
	cp := connectionProblem("impact", s.cfg.Limits.BookTimeout, body.close(), sendErr)
	if err != nil {
		if lw != nil && lw.committed {
			// the CSV was streaming: end it on a complete row, and say so
			// in the log (the status is sent)
			cw.Close()
			if c.problem = cp; c.problem == nil {
				c.problem = bookProblem(err)
			}
			return
		}
		if cp != nil {
			writeProblem(w, c, cp)
			return
		}
		if r.Context().Err() != nil {
			writeProblem(w, c, newProblem(http.StatusServiceUnavailable, "request.timeout", "The impact was stopped",
				"the time limit ran out, the client went away or the server is shutting down"))
			return
		}
		writeProblem(w, c, bookProblem(err))
		return
	}
	s.metrics.assessed.WithLabelValues("impact", "ok").Add(float64(2 * rep.Enterprises))
	h := w.Header()
	switch format {
	case "changed-csv":
		if !lw.committed {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		}
		cw.Close() // writes what the list still held: asked after it, not before
		if cp := connectionProblem("impact", s.cfg.Limits.BookTimeout, nil, lw.err); cp != nil {
			c.problem = cp // the list was cut short: the log says so (the status is sent)
		}
	case "json":
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			writeProblem(w, c, problemOf(err))
			return
		}
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(b.Len()))
		w.Write(b.Bytes())
	case "html":
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="impact.html"`)
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; sandbox allow-scripts allow-downloads")
		report.WriteImpactHTMLLang(w, rep, lang)
	case "xlsx":
		h.Set("Content-Type", xlsxType)
		h.Set("Content-Disposition", `attachment; filename="impact.xlsx"`)
		report.WriteImpactXLSX(w, rep)
	case "text":
		h.Set("Content-Type", "text/plain; charset=utf-8")
		report.WriteImpactLang(w, rep, lang)
	}
}
