package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"gopkg.in/yaml.v3"

	"github.com/anzexian/anzexian/rulesets"
	"github.com/anzexian/anzexian/server"
)

// The OpenAPI 3.1 document (server/openapi.json) is held to the code two
// ways: every request the API tests send and every response they get is
// validated against it with kin-openapi (openapi3filter, JSON Schema
// 2020-12 for a 3.1 document), and the Assessment and Facts schemas in it
// are the repository's JSON Schemas (rulesets/schema), translated, which
// TestOpenAPISchemas checks (-update rewrites them).

var update = flag.Bool("update", false, "rewrite the schemas of openapi.json generated from rulesets/schema")

func init() {
	// The media types the API answers that openapi3filter has no decoder
	// for. JSON Lines are decoded into the array of their lines: OpenAPI 3.1
	// has no keyword for a sequence of JSON values, so the document
	// describes a JSONL body as that array (3.2 adds itemSchema).
	openapi3filter.RegisterBodyDecoder("application/x-ndjson", func(r io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		var out []any
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 64<<20)
		for sc.Scan() {
			var v any
			dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
			dec.UseNumber()
			if err := dec.Decode(&v); err != nil {
				return nil, fmt.Errorf("line %d: %w", len(out)+1, err)
			}
			out = append(out, v)
		}
		return out, sc.Err()
	})
	// YAML facts are the same facts as JSON: the decoder keeps scalars as
	// YAML wrote them (a date stays a date, not a timestamp), and a stream
	// of several documents is their array, as the server reads it.
	openapi3filter.RegisterBodyDecoder("application/yaml", func(r io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		dec := yaml.NewDecoder(r)
		var docs []any
		for {
			var n yaml.Node
			if err := dec.Decode(&n); err == io.EOF {
				break
			} else if err != nil {
				return nil, err
			}
			docs = append(docs, yamlValue(&n))
		}
		if len(docs) == 1 {
			return docs[0], nil
		}
		return docs, nil
	})
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder(xlsxType, openapi3filter.FileBodyDecoder)
}

// yamlValue is a YAML node as the JSON value it stands for.
func yamlValue(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		return yamlValue(n.Content[0])
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = yamlValue(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		a := []any{}
		for _, c := range n.Content {
			a = append(a, yamlValue(c))
		}
		return a
	}
	switch n.Tag {
	case "!!int", "!!float":
		return json.Number(n.Value)
	case "!!bool":
		return n.Value == "true"
	case "!!null":
		return nil
	}
	return n.Value
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

var (
	docOnce sync.Once
	doc     *openapi3.T
	router  routers.Router
	docErr  error
)

// apiDoc loads and validates the document once.
func apiDoc(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	docOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, docErr = loader.LoadFromData(server.OpenAPI())
		if docErr != nil {
			return
		}
		if docErr = doc.Validate(context.Background()); docErr != nil {
			return
		}
		// route by path alone: the document's server is "/", relative to
		// wherever it is served
		routed := *doc
		routed.Servers = nil
		router, docErr = legacy.NewRouter(&routed)
	})
	if docErr != nil {
		t.Fatalf("openapi.json: %v", docErr)
	}
	return doc, router
}

func TestOpenAPIDocument(t *testing.T) {
	d, _ := apiDoc(t)
	if !d.IsOpenAPI31OrLater() {
		t.Errorf("the document is OpenAPI %s, not 3.1", d.OpenAPI)
	}
	file, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(file, server.OpenAPI()) {
		t.Error("the served document is not openapi.json")
	}
}

// exercised records the operations and status codes the tests went
// through, so that TestZZEveryOperation can say which none did.
var exercised sync.Map // "operationId status" → true

// validating is an http.RoundTripper that validates every request and
// response against the document, failing the test that made it.
type validating struct {
	t testing.TB
}

func (v validating) RoundTrip(req *http.Request) (*http.Response, error) {
	v.t.Helper()
	d, r := apiDoc(v.t)
	_ = d
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body.Close()
	}
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resBody, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(resBody))

	// validate against a copy whose URL the document's server ("/")
	// matches
	vreq := req.Clone(context.Background())
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	// a ruleset's key is one path segment, its slashes escaped
	vreq.URL.Path, vreq.URL.RawPath = req.URL.EscapedPath(), ""
	route, params, ferr := r.FindRoute(vreq)
	if ferr != nil && (res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed) {
		return res, nil // a path or method the API has not: not in the document either
	}
	if ferr != nil {
		v.t.Errorf("%s %s: not in openapi.json: %v", req.Method, req.URL.Path, ferr)
		return res, nil
	}
	exercised.Store(route.Operation.OperationID+" "+fmt.Sprint(res.StatusCode), true)
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if res.StatusCode < 400 && req.Header.Get("X-Test-Off-Contract") == "" {
		// a request the server took must be one the document allows
		// (those it refused may be refused by the document too; a test
		// sending a bad record to a batch says so)
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			v.t.Errorf("%s %s: the request does not match openapi.json:\n%v", req.Method, req.URL.RequestURI(), cut(err.Error()))
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	out.SetBodyBytes(resBody)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		v.t.Errorf("%s %s → %d %s: the response does not match openapi.json:\n%v", req.Method, req.URL.RequestURI(), res.StatusCode,
			res.Header.Get("Content-Type"), cut(err.Error()))
	}
	return res, nil
}

func cut(s string) string {
	if len(s) > 3000 {
		return s[:3000] + " …"
	}
	return s
}

// TestZZEveryOperation runs after the API tests (tests run in source
// order, files by name) and fails when an operation of the document was
// never exercised with a success.
func TestZZEveryOperation(t *testing.T) {
	if testing.Short() || !ranAPI {
		t.Skip("needs the API tests of this run")
	}
	d, _ := apiDoc(t)
	var missing []string
	for p, item := range d.Paths.Map() {
		for m, op := range item.Operations() {
			ok := false
			exercised.Range(func(k, _ any) bool {
				if s := k.(string); strings.HasPrefix(s, op.OperationID+" 2") {
					ok = true
					return false
				}
				return true
			})
			if !ok {
				missing = append(missing, m+" "+p+" ("+op.OperationID+")")
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no test exercised, with a success, these operations of openapi.json:\n  %s", strings.Join(missing, "\n  "))
	}
}

// ranAPI is set by TestAPI.
var ranAPI bool

// TestOpenAPISchemas checks that the document's Assessment and Facts
// schemas are rulesets/schema's assessment and facts schemas, translated:
// their definitions become components (assessment.premium …), the editor
// annotations are dropped and draft-07's dependencies become
// dependentRequired and dependentSchemas. -update rewrites them.
func TestOpenAPISchemas(t *testing.T) {
	src, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	root, err := parseOrdered(src)
	if err != nil {
		t.Fatal(err)
	}
	schemas := root.get("components").get("schemas")
	want := map[string]*ojson{}
	for _, s := range []struct{ file, root, prefix string }{{"assessment", "Assessment", "assessment"}, {"facts", "Facts", "facts"}} {
		b, err := rulesets.Schema(s.file)
		if err != nil {
			t.Fatal(err)
		}
		js, err := parseOrdered(b)
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range translateSchema(js, s.root, s.prefix) {
			want[name] = v
		}
	}
	var stale []string
	for name, w := range want {
		got := schemas.get(name)
		if got == nil || got.String() != w.String() {
			stale = append(stale, name)
			schemas.set(name, w)
		}
	}
	sort.Strings(stale)
	if len(stale) == 0 {
		return
	}
	if !*update {
		t.Fatalf("openapi.json's schemas %s differ from rulesets/schema: run go test ./server -run TestOpenAPISchemas -update", strings.Join(stale, ", "))
	}
	if err := os.WriteFile("openapi.json", append([]byte(root.String()), '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("rewrote %s", strings.Join(stale, ", "))
}

// translateSchema turns a draft-07 JSON Schema file into components: the
// root named root, each definition prefix.name.
func translateSchema(s *ojson, root, prefix string) map[string]*ojson {
	out := map[string]*ojson{}
	var fix func(v *ojson) *ojson
	fix = func(v *ojson) *ojson {
		switch {
		case v.obj != nil:
			o := &ojson{obj: []okv{}}
			for _, kv := range v.obj {
				switch {
				case slices.Contains(rulesets.EditorKeywords, kv.k):
					continue
				case kv.k == "$ref" && kv.v.scalar != nil:
					var ref string
					json.Unmarshal(kv.v.scalar, &ref)
					if name, ok := strings.CutPrefix(ref, "#/definitions/"); ok {
						ref = "#/components/schemas/" + prefix + "." + name
					}
					b, _ := json.Marshal(ref)
					o.obj = append(o.obj, okv{"$ref", &ojson{scalar: b}})
				case kv.k == "dependencies" && kv.v.obj != nil:
					req, sch := &ojson{obj: []okv{}}, &ojson{obj: []okv{}}
					for _, d := range kv.v.obj {
						if d.v.arr != nil {
							req.obj = append(req.obj, okv{d.k, fix(d.v)})
						} else {
							sch.obj = append(sch.obj, okv{d.k, fix(d.v)})
						}
					}
					if len(req.obj) > 0 {
						o.obj = append(o.obj, okv{"dependentRequired", req})
					}
					if len(sch.obj) > 0 {
						o.obj = append(o.obj, okv{"dependentSchemas", sch})
					}
				default:
					o.obj = append(o.obj, okv{kv.k, fix(kv.v)})
				}
			}
			return o
		case v.arr != nil:
			a := &ojson{arr: []*ojson{}}
			for _, x := range v.arr {
				a.arr = append(a.arr, fix(x))
			}
			return a
		}
		return v
	}
	top := &ojson{obj: []okv{}}
	for _, kv := range s.obj {
		switch kv.k {
		case "$schema", "$id":
		case "definitions":
			for _, d := range kv.v.obj {
				out[prefix+"."+d.k] = fix(d.v)
			}
		default:
			top.obj = append(top.obj, kv)
		}
	}
	out[root] = fix(top)
	return out
}

// ojson is a JSON value that keeps the order of object keys, so that the
// document can be rewritten without reordering what people wrote.
type ojson struct {
	obj    []okv
	arr    []*ojson
	scalar json.RawMessage
}

type okv struct {
	k string
	v *ojson
}

func (o *ojson) get(k string) *ojson {
	if o == nil {
		return nil
	}
	for _, kv := range o.obj {
		if kv.k == k {
			return kv.v
		}
	}
	return nil
}

func (o *ojson) set(k string, v *ojson) {
	for i, kv := range o.obj {
		if kv.k == k {
			o.obj[i].v = v
			return
		}
	}
	o.obj = append(o.obj, okv{k, v})
}

func parseOrdered(b []byte) (*ojson, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return parseValue(dec)
}

func parseValue(dec *json.Decoder) (*ojson, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok := tok.(type) {
	case json.Delim:
		switch tok {
		case '{':
			o := &ojson{obj: []okv{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				o.obj = append(o.obj, okv{kt.(string), v})
			}
			_, err := dec.Token()
			return o, err
		case '[':
			a := &ojson{arr: []*ojson{}}
			for dec.More() {
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				a.arr = append(a.arr, v)
			}
			_, err := dec.Token()
			return a, err
		}
	case json.Number:
		return &ojson{scalar: json.RawMessage(tok.String())}, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(tok)
	return &ojson{scalar: bytes.TrimRight(buf.Bytes(), "\n")}, nil
}

// String writes the value indented by two spaces.
func (o *ojson) String() string {
	var b strings.Builder
	o.write(&b, "")
	return b.String()
}

func (o *ojson) write(b *strings.Builder, ind string) {
	switch {
	case o.obj != nil:
		if len(o.obj) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, kv := range o.obj {
			k, _ := json.Marshal(kv.k)
			b.WriteString(ind + "  " + string(k) + ": ")
			kv.v.write(b, ind+"  ")
			if i < len(o.obj)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(ind + "}")
	case o.arr != nil:
		if len(o.arr) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, v := range o.arr {
			b.WriteString(ind + "  ")
			v.write(b, ind+"  ")
			if i < len(o.arr)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(ind + "]")
	default:
		b.Write(o.scalar)
	}
}
