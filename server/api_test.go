package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/casetest"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/anzexian/anzexian/server"
)

// api is a client whose every request and response is validated against
// openapi.json.
type api struct {
	t   *testing.T
	url string
	c   *http.Client
	key string
}

func newAPI(t *testing.T, url string) *api {
	return &api{t: t, url: url, c: &http.Client{Transport: validating{t}}}
}

func (a *api) do(method, path, contentType string, body []byte, header ...string) (*http.Response, []byte) {
	a.t.Helper()
	req, err := http.NewRequest(method, a.url+path, bytes.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if a.key != "" {
		req.Header.Set("Authorization", "Bearer "+a.key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := a.c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// want checks the status, showing the body when it is not the one wanted.
func want(t *testing.T, res *http.Response, body []byte, status int) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", res.StatusCode, status, cut(string(body)))
	}
}

func problem(t *testing.T, body []byte) server.Problem {
	t.Helper()
	var p server.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("not a problem: %v\n%s", err, body)
	}
	return p
}

// multipartBody builds a multipart/form-data body; files are given as
// name=filename:content.
func multipartBody(t *testing.T, fields [][3]string) (string, []byte) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, f := range fields {
		if f[1] == "" {
			w.WriteField(f[0], f[2])
			continue
		}
		fw, err := w.CreateFormFile(f[0], f[1])
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(f[2]))
	}
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

func TestAPI(t *testing.T) {
	ranAPI = true
	_, ts := testServer(t, server.Config{CasesDir: examples})
	c := newAPI(t, ts.URL)
	reg, err := rulesets.LoadBundled()
	if err != nil {
		t.Fatal(err)
	}
	eng := anzexian.NewWithRegistry(reg)
	at := facts.MustParseDate("2026-01-01")
	yaml := readFile(t, hunan)
	fs, err := facts.Decode("hunan", yaml)
	if err != nil {
		t.Fatal(err)
	}
	a, err := eng.Assess(fs[0], anzexian.At(at))
	if err != nil {
		t.Fatal(err)
	}
	// what `anzexian assess --format json` prints for it
	cli, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	cli = append(cli, '\n')

	t.Run("assess YAML: the CLI's bytes", func(t *testing.T) {
		res, body := c.do("POST", "/v1/assess?at=2026-01-01", "application/yaml", yaml)
		want(t, res, body, 200)
		if !bytes.Equal(body, cli) {
			t.Errorf("the answer differs from the CLI's:\n%s", cmp.Diff(string(cli), string(body)))
		}
		if res.Header.Get("X-Request-Id") == "" {
			t.Error("no X-Request-Id")
		}
	})
	jsonFacts, err := json.Marshal(map[string]any{"name": "长沙某危险化学品储存有限公司", "region": "430100", "sectors": []string{"hazardous_chemicals.storage"},
		"employees": 120, "dispatched_workers": 10, "occupational_hazards": []string{"high_toxicity"}, "risk_level": "high",
		"standardization_level": 2, "credit_grade": "b",
		"accidents": []any{map[string]any{"date": "2024-08-12", "deaths": 0, "serious_injuries": 1, "direct_loss": 350000, "unit_liable": true}},
		"policy": map[string]any{"insurer": "中国人民财产保险股份有限公司", "start": "2025-07-01", "end": "2026-06-30", "insured_employees": 110,
			"death_limit": 300000, "disability_limit": 300000, "medical_limit": 50000, "prevention_service": true}})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("assess JSON, one and an array", func(t *testing.T) {
		res, body := c.do("POST", "/v1/assess?at=2026-01-01", "application/json", jsonFacts)
		want(t, res, body, 200)
		if !bytes.Equal(body, cli) {
			t.Errorf("the JSON facts' answer differs from the YAML's:\n%s", cmp.Diff(string(cli), string(body)))
		}
		arr := []byte("[" + string(jsonFacts) + ",\n" + string(jsonFacts) + "]")
		res, body = c.do("POST", "/v1/assess?at=2026-01-01", "application/json", arr)
		want(t, res, body, 200)
		one := bytes.TrimSuffix(cli, []byte("\n"))
		if w := "[" + string(one) + "," + string(one) + "]\n"; string(body) != w {
			t.Errorf("an array answers %.200s…", body)
		}
	})
	t.Run("assess, brief and text", func(t *testing.T) {
		res, body := c.do("POST", "/v1/assess?at=2026-01-01&form=brief", "application/yaml", yaml)
		want(t, res, body, 200)
		if w := string(portfolio.AppendBrief(nil, a, 0)) + "\n"; string(body) != w {
			t.Errorf("brief:\n%s", cmp.Diff(w, string(body)))
		}
		res, body = c.do("POST", "/v1/assess?at=2026-01-01&format=text&lang=en", "application/yaml", yaml)
		want(t, res, body, 200)
		if !strings.Contains(string(body), "19,584.00") || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
			t.Errorf("text:\n%.500s", body)
		}
	})
	t.Run("assess with the trace", func(t *testing.T) {
		res, body := c.do("POST", "/v1/assess?at=2026-01-01&trace=true", "application/yaml", yaml)
		want(t, res, body, 200)
		at, _ := eng.Assess(fs[0], anzexian.At(at), anzexian.WithTrace())
		if w := string(at.AppendJSON(nil)) + "\n"; string(body) != w {
			t.Error("the traced answer is not the CLI's")
		}
	})
	t.Run("bad facts: a problem with the diagnostics at their line and column", func(t *testing.T) {
		bad := []byte("{\n  \"region\": \"430100\",\n  \"sectors\": [\"coal_mine\"],\n  \"employees\": 1.5\n}")
		res, body := c.do("POST", "/v1/assess", "application/json", bad)
		want(t, res, body, 422)
		p := problem(t, body)
		if p.Code != "facts.invalid" || len(p.Diagnostics) == 0 {
			t.Fatalf("problem %+v", p)
		}
		d := p.Diagnostics[0]
		if d.Path != "employees" || d.Subject.Start.Line != 4 || d.Subject.Start.Column != 16 || d.Source != `  "employees": 1.5` {
			t.Errorf("diagnostic %+v", d)
		}
		if res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("Content-Type %q", res.Header.Get("Content-Type"))
		}
		// in an array: the element's index before the path, the position in the body
		arr := []byte("[{\"region\": \"430100\", \"sectors\": [\"coal_mine\"]},\n {\"region\": \"430100\", \"sectors\": [\"coal_mine\"], \"employes\": 3}]")
		res, body = c.do("POST", "/v1/assess", "application/json", arr)
		want(t, res, body, 422)
		p = problem(t, body)
		d = p.Diagnostics[0]
		if d.Path != "[1].employes" || d.Subject.Start.Line != 2 || d.Subject.Start.Column != 49 || !strings.Contains(d.Hint, "employees") {
			t.Errorf("diagnostic %+v", d)
		}
		res, body = c.do("POST", "/v1/assess?insurer=nobody", "application/yaml", yaml)
		want(t, res, body, 422)
		if p := problem(t, body); p.Code != "stack.unknown_insurer" {
			t.Errorf("unknown insurer: %+v", p)
		}
		res, body = c.do("POST", "/v1/assess?at=2026-13-01", "application/yaml", yaml)
		want(t, res, body, 400)
		res, body = c.do("POST", "/v1/assess?colour=blue", "application/yaml", yaml)
		want(t, res, body, 400)
		res, body = c.do("POST", "/v1/assess", "application/xml", yaml)
		want(t, res, body, 415)
	})
	t.Run("quote", func(t *testing.T) {
		res, body := c.do("POST", "/v1/quote?at=2026-01-01", "application/yaml", yaml)
		want(t, res, body, 200)
		q, err := eng.Quote(fs[0], anzexian.At(at))
		if err != nil {
			t.Fatal(err)
		}
		w, _ := json.Marshal(q)
		if string(body) != string(w)+"\n" {
			t.Errorf("quote:\n%s", cmp.Diff(string(w)+"\n", string(body)))
		}
	})

	book := generated(t, 300)
	t.Run("batch JSONL: the CLI's lines, then the summary", func(t *testing.T) {
		res, body := c.do("POST", "/v1/batch?at=2026-01-01", "application/x-ndjson", book)
		want(t, res, body, 200)
		var cliOut bytes.Buffer
		s, err := portfolio.Batch(context.Background(), eng, bytes.NewReader(book), &cliOut, portfolio.BatchOptions{Format: portfolio.JSONL, At: at})
		if err != nil {
			t.Fatal(err)
		}
		lines := bytes.SplitAfter(body, []byte("\n"))
		tail := lines[len(lines)-2]
		if got := bytes.Join(lines[:len(lines)-2], nil); !bytes.Equal(got, cliOut.Bytes()) {
			t.Errorf("the lines differ from the CLI's (%d bytes, want %d)", len(got), cliOut.Len())
		}
		var sum struct {
			Summary portfolio.BatchSummary `json:"summary"`
			Error   *server.Problem        `json:"error"`
		}
		if err := json.Unmarshal(tail, &sum); err != nil {
			t.Fatal(err)
		}
		if sum.Error != nil || sum.Summary.Read != s.Read || sum.Summary.Written != s.Written || sum.Summary.Read != 300 {
			t.Errorf("summary %s", tail)
		}
	})
	t.Run("batch CSV and XLSX, full lines", func(t *testing.T) {
		for _, f := range []portfolio.Format{portfolio.CSV, portfolio.XLSX} {
			var b bytes.Buffer
			w := portfolio.NewWriter(&b, f)
			for _, x := range portfolio.Generate(1, 20) {
				w.Write(x)
			}
			w.Flush()
			ct := map[portfolio.Format]string{portfolio.CSV: "text/csv", portfolio.XLSX: xlsxType}[f]
			res, body := c.do("POST", "/v1/batch?at=2026-01-01&full=true", ct, b.Bytes())
			want(t, res, body, 200)
			lines := bytes.Split(bytes.TrimSpace(body), []byte("\n"))
			if len(lines) != 21 || !bytes.HasPrefix(lines[0], []byte(`{"line":2,"assessment":{`)) {
				t.Errorf("%s: %d lines, first %.80s", f, len(lines), lines[0])
			}
		}
	})
	t.Run("batch: a bad record stops it, or is skipped", func(t *testing.T) {
		bad := append(append([]byte{}, book[:bytes.IndexByte(book, '\n')+1]...), []byte("{\"region\": \"430100\", \"sectors\": [\"coal_mine\"], \"employees\": -1}\n")...)
		bad = append(bad, book[bytes.IndexByte(book, '\n')+1:]...)
		res, body := c.do("POST", "/v1/batch?at=2026-01-01", "application/x-ndjson", bad, "X-Test-Off-Contract", "a bad record")
		want(t, res, body, 200)
		lines := bytes.Split(bytes.TrimSpace(body), []byte("\n"))
		var tail struct {
			Summary  portfolio.BatchSummary `json:"summary"`
			Rejected []struct{ Line int }   `json:"rejected"`
			Error    *server.Problem        `json:"error"`
		}
		json.Unmarshal(lines[len(lines)-1], &tail)
		if tail.Error == nil || tail.Error.Code != "book.bad_record" || tail.Summary.Failed != 1 || len(tail.Rejected) != 1 || tail.Rejected[0].Line != 2 {
			t.Errorf("stopped: %s", lines[len(lines)-1])
		}
		if tail.Summary.Read != tail.Summary.Written+tail.Summary.Skipped+tail.Summary.Failed || len(lines)-1 != tail.Summary.Written {
			t.Errorf("the counts do not reconcile: %d lines, %+v", len(lines)-1, tail.Summary)
		}
		res, body = c.do("POST", "/v1/batch?at=2026-01-01&skip_bad=true", "application/x-ndjson", bad, "X-Test-Off-Contract", "a bad record")
		want(t, res, body, 200)
		lines = bytes.Split(bytes.TrimSpace(body), []byte("\n"))
		json.Unmarshal(lines[len(lines)-1], &tail)
		if tail.Error != nil || tail.Summary.Skipped != 1 || tail.Summary.Written != 300 || len(lines) != 301 {
			t.Errorf("skipped: %s", lines[len(lines)-1])
		}
		res, body = c.do("POST", "/v1/batch", "text/csv", []byte("name,employees\nx,1\n"))
		want(t, res, body, 422)
		res, body = c.do("POST", "/v1/batch", "application/json", book)
		want(t, res, body, 415)
	})

	t.Run("rulesets: the list, one with its source", func(t *testing.T) {
		res, body := c.do("GET", "/v1/rulesets", "", nil)
		want(t, res, body, 200)
		var list struct {
			Rulesets []struct{ Key, Digest, Origin string }
		}
		json.Unmarshal(body, &list)
		if len(list.Rulesets) != len(reg.Rulesets()) {
			t.Errorf("%d rulesets listed, %d served", len(list.Rulesets), len(reg.Rulesets()))
		}
		res, body = c.do("GET", "/v1/rulesets/cn%2Frating%2Fbaseline@2018", "", nil)
		want(t, res, body, 200)
		var one struct{ Source, Digest string }
		json.Unmarshal(body, &one)
		if one.Digest != reg.Ruleset("cn/rating/baseline@2018").Digest || !strings.Contains(one.Source, "id: cn/rating/baseline") {
			t.Errorf("ruleset: digest %s, source %.80q", one.Digest, one.Source)
		}
		res, body = c.do("GET", "/v1/rulesets/cn%2Fnothing@1", "", nil)
		want(t, res, body, 404)
		res, body = c.do("GET", "/v1/vocabulary", "", nil)
		want(t, res, body, 200)
	})

	edited := editedBaseline(t)
	editedReg, err := reg.With(diag.File{Name: "edited/cn/rating-baseline.yaml", Data: []byte(edited)})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("lint: a clean edit, a broken one, a taken name", func(t *testing.T) {
		req, _ := json.Marshal(map[string]any{"rulesets": []map[string]string{{"name": "edited/cn/rating-baseline.yaml", "text": edited}}})
		res, body := c.do("POST", "/v1/lint", "application/json", req)
		want(t, res, body, 200)
		var r struct {
			OK          bool
			Errors      int
			Diagnostics diag.Diagnostics
		}
		json.Unmarshal(body, &r)
		if !r.OK || r.Errors != 0 {
			t.Errorf("a clean edit: %s", body)
		}
		broken := strings.Replace(edited, "id: blacklist", "id: blacklist\n      bogus: 1", 1)
		req, _ = json.Marshal(map[string]any{"rulesets": []map[string]string{{"name": "edited/x.yaml", "text": broken}}})
		res, body = c.do("POST", "/v1/lint", "application/json", req)
		want(t, res, body, 200)
		json.Unmarshal(body, &r)
		if r.OK || r.Errors == 0 || r.Diagnostics[0].Subject.File != "edited/x.yaml" || r.Diagnostics[0].Subject.Start.Line == 0 {
			t.Errorf("a broken edit: %s", cut(string(body)))
		}
		req, _ = json.Marshal(map[string]any{"rulesets": []map[string]string{{"name": "cn/rating-baseline.yaml", "text": edited}}})
		res, body = c.do("POST", "/v1/lint", "application/json", req)
		want(t, res, body, 422)
		if p := problem(t, body); p.Code != "request.name_taken" {
			t.Errorf("%+v", p)
		}
	})
	t.Run("test: the server's cases with the edit, as the CLI prints them", func(t *testing.T) {
		req, _ := json.Marshal(map[string]any{"rulesets": []map[string]string{{"name": "edited/cn/rating-baseline.yaml", "text": edited}}, "run": "rating/"})
		res, body := c.do("POST", "/v1/test", "application/json", req)
		want(t, res, body, 200)
		all, err := casetest.Load(examples)
		if err != nil {
			t.Fatal(err)
		}
		var cases []*casetest.Case
		for _, x := range all {
			if strings.Contains(x.File+"/"+x.Name, "rating/") {
				cases = append(cases, x)
			}
		}
		run := casetest.NewRunner(anzexian.NewWithRegistry(editedReg)).RunAll(cases, false)
		w, _ := json.MarshalIndent(run.Summary(true), "", "  ")
		if string(body) != string(w)+"\n" {
			t.Errorf("the summary differs from anzexian test --format json --coverage's:\n%s", cmp.Diff(string(w)+"\n", string(body)))
		}
		if run.Failed() == 0 {
			t.Error("no case notices the edit")
		}
	})
	t.Run("test: uploaded cases, confined to the upload", func(t *testing.T) {
		caseFile := "as_of: 2026-01-01\nfacts_file: ../enterprises/x.yaml\nexpect:\n  obligation: mandatory\n"
		req, _ := json.Marshal(map[string]any{"cases": []map[string]string{
			{"name": "mine/one.yaml", "text": caseFile}, {"name": "enterprises/x.yaml", "text": string(yaml)}}})
		res, body := c.do("POST", "/v1/test", "application/json", req)
		want(t, res, body, 200)
		var s casetest.Summary
		json.Unmarshal(body, &s)
		if s.Cases != 1 || s.Failed != 0 {
			t.Errorf("%s", body)
		}
		for _, escape := range []string{"/etc/passwd", "../../etc/passwd", "../../../x.yaml"} {
			req, _ = json.Marshal(map[string]any{"cases": []map[string]string{
				{"name": "mine/one.yaml", "text": strings.Replace(caseFile, "../enterprises/x.yaml", escape, 1)}}})
			res, body = c.do("POST", "/v1/test", "application/json", req)
			want(t, res, body, 422)
			if p := problem(t, body); p.Code != "cases.outside" {
				t.Errorf("%s: %+v", escape, p)
			}
		}
		req, _ = json.Marshal(map[string]any{"cases": []map[string]string{{"name": "../x.yaml", "text": caseFile}}})
		res, body = c.do("POST", "/v1/test", "application/json", req)
		want(t, res, body, 400)
		req, _ = json.Marshal(map[string]any{"cases": []map[string]string{{"name": "bad.yaml", "text": "as_of: 2026-13-01\nfacts: {region: \"430100\"}\n"}}})
		res, body = c.do("POST", "/v1/test", "application/json", req)
		want(t, res, body, 422)
		if p := problem(t, body); p.Code != "cases.invalid" || len(p.Diagnostics) == 0 || p.Diagnostics[0].Subject.File != "bad.yaml" {
			t.Errorf("%+v", p)
		}
	})
	t.Run("impact: JSON as the CLI writes it, HTML, XLSX, the changed list", func(t *testing.T) {
		ct, body := multipartBody(t, [][3]string{{"at", "", "2026-01-01"}, {"ruleset", "edited/cn/rating-baseline.yaml", edited}, {"book", "book.jsonl", string(book)}})
		res, out := c.do("POST", "/v1/impact", ct, body)
		want(t, res, out, 200)
		rep, err := portfolio.Impact(context.Background(), eng, bytes.NewReader(book), editedReg, portfolio.ImpactOptions{Name: "book.jsonl", Format: portfolio.JSONL, At: at})
		if err != nil {
			t.Fatal(err)
		}
		var w bytes.Buffer
		enc := json.NewEncoder(&w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		enc.Encode(rep)
		if !bytes.Equal(out, w.Bytes()) {
			t.Errorf("the report differs from anzexian impact --format json's:\n%s", cut(cmp.Diff(w.String(), string(out))))
		}
		if rep.Changed == 0 {
			t.Error("the edit changes nothing")
		}
		for _, f := range []struct{ format, ctype string }{{"html", "text/html"}, {"xlsx", xlsxType}, {"changed-csv", "text/csv"}, {"text", "text/plain"}} {
			ct, body := multipartBody(t, [][3]string{{"at", "", "2026-01-01"}, {"format", "", f.format}, {"ruleset", "edited/cn/rating-baseline.yaml", edited}, {"generate", "", "300"}})
			res, out := c.do("POST", "/v1/impact", ct, body)
			want(t, res, out, 200)
			if !strings.HasPrefix(res.Header.Get("Content-Type"), f.ctype) {
				t.Errorf("%s: Content-Type %q", f.format, res.Header.Get("Content-Type"))
			}
			if f.format == "changed-csv" {
				rows := bytes.Count(out, []byte("\n"))
				if rows != rep.Changed+1 {
					t.Errorf("the changed list has %d rows, %d enterprises changed", rows-1, rep.Changed)
				}
			}
		}
		ct, body = multipartBody(t, [][3]string{{"ruleset", "edited/x.yaml", "schema: anzexian/v1\n"}, {"generate", "", "10"}})
		res, out = c.do("POST", "/v1/impact", ct, body)
		want(t, res, out, 422)
		if p := problem(t, out); p.Code != "rulesets.invalid" || len(p.Diagnostics) == 0 {
			t.Errorf("%+v", p)
		}
		ct, body = multipartBody(t, [][3]string{{"generate", "", "10"}})
		res, out = c.do("POST", "/v1/impact", ct, body)
		want(t, res, out, 400)
	})
	t.Run("operations", func(t *testing.T) {
		for _, p := range []string{"/healthz", "/readyz", "/openapi.json", "/v1/session"} {
			res, body := c.do("GET", p, "", nil)
			want(t, res, body, 200)
		}
		res, body := c.do("POST", "/v1/reload", "", nil)
		want(t, res, body, 200)
		res, body = c.do("GET", "/metrics", "", nil)
		want(t, res, body, 200)
		for _, m := range []string{
			`anzexian_http_requests_total{code="200",endpoint="assess"}`,
			`anzexian_assessments_total{endpoint="assess",outcome="ok"}`,
			`anzexian_rulesets_info{digest="` + reg.Ruleset("cn/rating/baseline@2018").Digest + `",key="cn/rating/baseline@2018",origin="bundled"} 1`,
			`anzexian_reloads_total{result="ok"} 1`,
			`anzexian_http_request_duration_seconds_bucket{code="200",endpoint="batch"`,
		} {
			if !strings.Contains(string(body), m) {
				t.Errorf("the metrics lack %s", m)
			}
		}
		res, body = c.do("GET", "/v1/nothing", "", nil)
		want(t, res, body, 404)
		res, body = request(t, "DELETE", ts.URL+"/v1/assess", "", nil)
		want(t, res, body, 405)
	})
}

// generated is a JSONL book of n generated enterprises.
func generated(t testing.TB, n int) []byte {
	r, _ := ioPipe(t, n)
	b, _ := io.ReadAll(r)
	return b
}

func TestKeysAndRoles(t *testing.T) {
	dir := t.TempDir()
	keys := map[server.Role]string{}
	var lines []string
	for _, r := range []server.Role{server.RoleQuote, server.RoleAnalyst, server.RoleAdmin} {
		k, line, err := server.GenerateKey("k-"+r.String(), r)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(k, "azx_") || len(k) != 4+52 || strings.Contains(line, k) {
			t.Fatalf("key %q, line %q", k, line)
		}
		keys[r] = k
		lines = append(lines, line)
	}
	file := filepath.Join(dir, "keys")
	os.WriteFile(file, []byte("# test keys\n"+strings.Join(lines, "\n")+"\n"), 0o600)
	_, ts := testServer(t, server.Config{KeysFile: file})
	c := newAPI(t, ts.URL)
	yaml := readFile(t, hunan)
	lint, _ := json.Marshal(map[string]any{"rulesets": []any{}})
	cases := []struct {
		name   string
		key    string
		method string
		path   string
		ctype  string
		body   []byte
		status int
		code   string
	}{
		{"no key", "", "POST", "/v1/assess", "application/yaml", yaml, 401, "auth.missing_key"},
		{"an unknown key", "azx_" + strings.Repeat("a", 52), "POST", "/v1/assess", "application/yaml", yaml, 401, "auth.unknown_key"},
		{"quote may assess", keys[server.RoleQuote], "POST", "/v1/assess", "application/yaml", yaml, 200, ""},
		{"quote may not lint", keys[server.RoleQuote], "POST", "/v1/lint", "application/json", lint, 403, "auth.forbidden"},
		{"analyst may lint", keys[server.RoleAnalyst], "POST", "/v1/lint", "application/json", lint, 200, ""},
		{"analyst may not reload", keys[server.RoleAnalyst], "POST", "/v1/reload", "", nil, 403, "auth.forbidden"},
		{"admin may reload", keys[server.RoleAdmin], "POST", "/v1/reload", "", nil, 200, ""},
		{"health needs no key", "", "GET", "/healthz", "", nil, 200, ""},
		{"the workbench's files need no key", "", "GET", "/app.js", "", nil, 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var res *http.Response
			var body []byte
			if strings.HasPrefix(tc.path, "/v1/") || tc.path == "/healthz" {
				c.key = tc.key
				res, body = c.do(tc.method, tc.path, tc.ctype, tc.body)
			} else {
				res, body = request(t, tc.method, ts.URL+tc.path, tc.ctype, tc.body)
			}
			want(t, res, body, tc.status)
			if tc.code != "" {
				if p := problem(t, body); p.Code != tc.code {
					t.Errorf("code %s, want %s", p.Code, tc.code)
				}
			}
			if tc.status == 401 && !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Error("401 without WWW-Authenticate: Bearer")
			}
		})
	}
	c.key = keys[server.RoleQuote]
	res, body := c.do("GET", "/v1/session", "", nil)
	want(t, res, body, 200)
	if !strings.Contains(string(body), `"key_id":"k-quote","role":"quote","keys_required":true`) {
		t.Errorf("session %s", body)
	}
}

func TestKeysFile(t *testing.T) {
	_, line, _ := server.GenerateKey("ok", server.RoleQuote)
	for _, tc := range []struct{ name, text, want string }{
		{"empty", "# nothing\n", "lists no key"},
		{"fields", "a quote\n", "want ID ROLE sha256:HEX"},
		{"role", "a boss sha256:" + strings.Repeat("0", 64) + "\n", `unknown role "boss"`},
		{"hash", "a quote " + strings.Repeat("0", 64) + "\n", "the hash must be sha256:"},
		{"twice", line + "\n" + strings.Replace(line, "ok ", "ok2 ", 1) + "\n", "the same key is listed twice"},
		{"id", "a b quote sha256:" + strings.Repeat("0", 64) + "\n", "got 4 fields"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "keys")
			os.WriteFile(file, []byte(tc.text), 0o600)
			_, err := server.New(server.Config{KeysFile: file})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestExposure(t *testing.T) {
	for _, tc := range []struct {
		addr                             string
		keys, tls, proxy, noKeys, refuse bool
	}{
		{addr: "127.0.0.1:8080"},
		{addr: "[::1]:8080"},
		{addr: "localhost:8080"},
		{addr: ":8080", refuse: true},
		{addr: "0.0.0.0:8080", refuse: true},
		{addr: "0.0.0.0:8080", noKeys: true},
		{addr: "0.0.0.0:8080", keys: true, refuse: true},
		{addr: "0.0.0.0:8080", keys: true, tls: true},
		{addr: "0.0.0.0:8080", keys: true, proxy: true},
	} {
		err := server.CheckExposure(tc.addr, tc.keys, tc.tls, tc.proxy, tc.noKeys)
		if (err != nil) != tc.refuse {
			t.Errorf("%+v: %v", tc, err)
		}
	}
}

func TestLimits(t *testing.T) {
	_, ts := testServer(t, server.Config{Limits: server.Limits{Body: 2000, MaxEnterprises: 2}, CORSOrigins: []string{"https://portal.example.com"}})
	yaml := readFile(t, hunan)
	res, body := request(t, "POST", ts.URL+"/v1/assess", "application/yaml", append(yaml, bytes.Repeat([]byte("#"), 2000)...))
	want(t, res, body, 413)
	// without a Content-Length (chunked): cut off as it is read
	req, _ := http.NewRequest("POST", ts.URL+"/v1/assess", io.MultiReader(bytes.NewReader(yaml), bytes.NewReader(bytes.Repeat([]byte("#"), 4000))))
	req.Header.Set("Content-Type", "application/yaml")
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := io.ReadAll(r2.Body)
	r2.Body.Close()
	want(t, r2, b2, 413)
	three := []byte(`[{"region":"430100","sectors":["other"]},{"region":"430100","sectors":["other"]},{"region":"430100","sectors":["other"]}]`)
	res, body = request(t, "POST", ts.URL+"/v1/assess", "application/json", three)
	want(t, res, body, 413)
	if p := problem(t, body); p.Code != "request.too_many" {
		t.Errorf("%+v", p)
	}
	// CORS: only for the configured origin
	res, _ = request(t, "OPTIONS", ts.URL+"/v1/assess", "", nil, "Origin", "https://portal.example.com", "Access-Control-Request-Method", "POST")
	if res.StatusCode != 204 || res.Header.Get("Access-Control-Allow-Origin") != "https://portal.example.com" {
		t.Errorf("preflight from the configured origin: %d %v", res.StatusCode, res.Header)
	}
	res, _ = request(t, "POST", ts.URL+"/v1/assess", "application/yaml", yaml, "Origin", "https://evil.example.com")
	if res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("CORS headers for an origin not configured")
	}
	// no CORS at all by default
	_, ts2 := testServer(t, server.Config{})
	res, _ = request(t, "OPTIONS", ts2.URL+"/v1/assess", "", nil, "Origin", "https://portal.example.com", "Access-Control-Request-Method", "POST")
	if res.Header.Get("Access-Control-Allow-Origin") != "" || res.StatusCode == 204 {
		t.Errorf("CORS without configuration: %d %v", res.StatusCode, res.Header)
	}
}

// TestBusy: beyond an endpoint's concurrency limit, 429 with Retry-After.
func TestBusy(t *testing.T) {
	_, ts := testServer(t, server.Config{Limits: server.Limits{Heavy: 1}})
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		req, _ := http.NewRequest("POST", ts.URL+"/v1/batch", pr)
		req.Header.Set("Content-Type", "application/x-ndjson")
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	}()
	defer func() { pw.Close(); <-done }()
	pw.Write(generated(t, 5)) // the batch runs, waiting for more
	var res *http.Response
	var body []byte
	// until the first batch holds the one heavy slot (it may take a while
	// to reach the handler on a loaded machine; every probe before it is
	// answered at once)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		res, body = request(t, "POST", ts.URL+"/v1/batch", "application/x-ndjson", generated(t, 1))
		if res.StatusCode == 429 {
			break
		}
	}
	want(t, res, body, 429)
	if res.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
}

// TestAssessReadsNoMoreThanItsLimit: a body streamed without end is cut at
// the limit (the server does not read on).
func TestBatchBookLimit(t *testing.T) {
	_, ts := testServer(t, server.Config{Limits: server.Limits{Book: 50_000}})
	res, body := request(t, "POST", ts.URL+"/v1/batch", "application/x-ndjson", generated(t, 1000))
	want(t, res, body, 413) // said at once when the length is known
	// streamed (chunked, no length): cut off where the limit is reached
	req, _ := http.NewRequest("POST", ts.URL+"/v1/batch?at=2026-01-01", io.MultiReader(bytes.NewReader(generated(t, 1000))))
	req.Header.Set("Content-Type", "application/x-ndjson")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	want(t, res, body, 200)
	lines := bytes.Split(bytes.TrimSpace(body), []byte("\n"))
	var tail struct {
		Summary portfolio.BatchSummary `json:"summary"`
		Error   *server.Problem        `json:"error"`
	}
	json.Unmarshal(lines[len(lines)-1], &tail)
	if tail.Error == nil || tail.Error.Code != "request.too_large" || tail.Summary.Written != len(lines)-1 {
		t.Errorf("summary %s", lines[len(lines)-1])
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if !json.Valid(sc.Bytes()) {
			t.Fatalf("an incomplete line: %.80s", sc.Bytes())
		}
	}
}

var _ = httptest.NewServer
var _ = fmt.Sprint

// A book still arriving has its answers streamed back: each record's line
// reaches the client while the rest of the book has not been sent.
func TestBatchStreamsWhileTheBookArrives(t *testing.T) {
	_, ts := testServer(t, server.Config{})
	const line = `{"region": "430100", "sectors": ["other"], "employees": 5}` + "\n"
	body, feed := io.Pipe()
	t.Cleanup(func() { feed.Close() })
	req, _ := http.NewRequest("POST", ts.URL+"/v1/batch?at=2026-01-01", body)
	req.Header.Set("Content-Type", "application/x-ndjson")
	go io.WriteString(feed, line+line)
	type answer struct {
		res *http.Response
		err error
	}
	got := make(chan answer, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		got <- answer{res, err}
	}()
	var res *http.Response
	select {
	case a := <-got:
		if a.err != nil {
			t.Fatal(a.err)
		}
		res = a.res
	case <-time.After(20 * time.Second):
		t.Fatal("no response while the book is still arriving")
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	next := func(what string) string {
		t.Helper()
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the response ended before %s", what)
			}
			return l
		case <-time.After(20 * time.Second):
			t.Fatalf("no %s while the book is still arriving", what)
		}
		return ""
	}
	for i := 1; i <= 2; i++ {
		if l := next(fmt.Sprintf("line %d", i)); !strings.Contains(l, fmt.Sprintf(`"line":%d,`, i)) {
			t.Fatalf("line %d: %.80s", i, l)
		}
	}
	io.WriteString(feed, line)
	if l := next("line 3"); !strings.Contains(l, `"line":3,`) {
		t.Fatalf("line 3: %.80s", l)
	}
	feed.Close()
	var tail struct {
		Summary portfolio.BatchSummary `json:"summary"`
	}
	if err := json.Unmarshal([]byte(next("the summary")), &tail); err != nil || tail.Summary.Written != 3 {
		t.Errorf("summary: %v %+v", err, tail.Summary)
	}
}
