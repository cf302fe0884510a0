package yamlx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/anzexian/anzexian/diag"
	"gopkg.in/yaml.v3"
)

// maxDepth bounds the nesting of any YAML document we read.
const maxDepth = 64

// parseYAMLStream splits data into its YAML documents, reporting syntax errors
// and documents nested too deep. It stops after maxDocs+1 documents (0: no
// limit), enough for the caller to tell that there are too many.
func ParseStream(name string, data []byte, prefix string, maxDocs int) ([]*yaml.Node, diag.Diagnostics) {
	var diags diag.Diagnostics
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var lines *lineMap
	if exoticBreaks(data) {
		lines = newLineMap(data)
	}
	for maxDocs == 0 || len(docs) <= maxDocs {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			diags = append(diags, syntaxDiagnostic(name, data, prefix, err))
			break
		}
		if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
			if lines != nil {
				lines.renumber(data, &n)
			}
			if deep := tooDeep(n.Content[0], 0); deep != nil {
				diags = append(diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: prefix + ".too_deep",
					Summary: fmt.Sprintf("document is nested more than %d levels deep", maxDepth),
					Hint:    tooDeepHint,
					Subject: diag.Range{File: name, Start: diag.Pos{Line: deep.Line, Column: deep.Column}},
					Source:  SourceLine(data, deep.Line)})
				continue
			}
			docs = append(docs, n.Content[0])
		}
	}
	return docs, diags
}

const tooDeepHint = "no ruleset or enterprise needs more than a few levels: flatten the structure"

// tooDeep returns the first node of n (at depth d) that lies deeper than
// maxDepth, or nil.
func tooDeep(n *yaml.Node, d int) *yaml.Node {
	if d > maxDepth {
		return n
	}
	for _, c := range n.Content {
		if x := tooDeep(c, d+1); x != nil {
			return x
		}
	}
	return nil
}

// SyntaxDiagnostic turns a yaml.v3 error ("yaml: line 3: ...") met
// reading data into a diagnostic at that line and the column where the
// line stops being valid YAML; prefix is the kind of input
// ("ruleset", "facts", "case"), giving the code prefix.syntax.
func SyntaxDiagnostic(name string, data []byte, prefix string, err error) *diag.Diagnostic {
	return syntaxDiagnostic(name, data, prefix, err)
}

// syntaxDiagnostic turns a yaml.v3 error ("yaml: line 3: ...") into a
// diagnostic at that line.
func syntaxDiagnostic(name string, data []byte, prefix string, err error) *diag.Diagnostic {
	msg := err.Error()
	line := 0
	if i := strings.Index(msg, "line "); i >= 0 {
		fmt.Sscanf(msg[i:], "line %d", &line)
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "line ") {
		msg = msg[i+2:]
	}
	if line > 0 && isParserProblem(msg) {
		// yaml.v3 names a parser error by the 0-based line where the
		// construct it was reading began (the mapping, the flow
		// collection); the line that breaks it is the first after the
		// longest prefix of the text that still parses.
		line = problemLine(data, line+1)
	}
	d := &diag.Diagnostic{Severity: diag.SeverityError, Code: prefix + ".syntax", Summary: "YAML syntax error: " + msg,
		Subject: diag.Range{File: name, Start: diag.Pos{Line: line, Column: 1}}, Err: err,
		Hint: "check indentation and quoting; JSON must be a single object"}
	if strings.HasPrefix(msg, "exceeded max depth") {
		// yaml.v3 stops at 10000 levels, long before our own limit would
		// see the tree: report it as what it is.
		d.Code = prefix + ".too_deep"
		d.Summary = fmt.Sprintf("document is nested more than %d levels deep", maxDepth)
		d.Hint = tooDeepHint
	}
	if line == 0 {
		d.Subject.Start = diag.Pos{}
	} else {
		if d.Code == prefix+".syntax" {
			d.Subject.Start.Column = problemColumn(data, line)
		}
		d.Source = SourceLine(data, line)
		d.CutSource()
	}
	return d
}

// maxProblemColumnSteps bounds the search for the column of a syntax
// error: each step parses a prefix of the text, and the search parses at
// most as many bytes as this many steps over a 4 KB file.
const maxProblemColumnSteps = 256

// problemColumn returns the column (1-based, in characters) at which line
// stops being valid YAML: one past the longest prefix of the line that,
// after the lines before it, still parses. yaml.v3 reports a line only. It
// returns 1 when the lines before do not parse or there is no answer
// within the bounds.
func problemColumn(data []byte, line int) int {
	if len(data) > maxProblemSearchBytes || line < 1 {
		return 1
	}
	start := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(data[start:], '\n')
		if i < 0 {
			return 1
		}
		start += i + 1
	}
	end := len(data)
	if i := bytes.IndexByte(data[start:], '\n'); i >= 0 {
		end = start + i
	}
	text := bytes.TrimSuffix(data[start:end], []byte("\r"))
	parses := func(n int) bool {
		dec := yaml.NewDecoder(bytes.NewReader(data[:start+n]))
		for {
			var v yaml.Node
			err := dec.Decode(&v)
			if errors.Is(err, io.EOF) {
				return true
			}
			if err != nil {
				return false
			}
		}
	}
	if !parses(0) {
		return 1
	}
	// each step parses the text up to a point: bound the bytes parsed
	budget := maxProblemColumnSteps * 4 << 10
	for n := len(text); n > 0 && budget > 0; n-- {
		if n < len(text) && !utf8.RuneStart(text[n]) {
			continue // not at a character boundary
		}
		budget -= start + n
		if parses(n) {
			return utf8.RuneCount(text[:n]) + 1
		}
	}
	return 1
}

// yamlParserProblems are the problems yaml.v3's parser (not its scanner)
// reports; it gives their lines 0-based, and those of the scanner 1-based.
var yamlParserProblems = []string{
	"did not find expected key",
	"did not find expected node content",
	"did not find expected '-' indicator",
	"did not find expected ',' or '}'",
	"did not find expected ',' or ']'",
	"did not find expected <document start>",
	"found undefined tag handle",
	"found incompatible YAML document",
	"found duplicate %YAML directive",
	"found duplicate %TAG directive",
	"found a tab character that violates indentation", // named by the line before
}

func isParserProblem(msg string) bool {
	for _, p := range yamlParserProblems {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

const maxProblemSearchBytes = 256 << 10

// problemLine returns the line (1-based) at which data stops being valid
// YAML, looking no earlier than from, the line where the construct that
// failed began: the line after the longest prefix of whole lines that
// parses. Without an answer within the bounds it returns from.
func problemLine(data []byte, from int) int {
	if len(data) > maxProblemSearchBytes {
		return from
	}
	// ends[i] is the offset just past line i+1 (its "\n" included).
	var ends []int
	for i, c := range data {
		if c == '\n' {
			ends = append(ends, i+1)
		}
	}
	if len(ends) == 0 || ends[len(ends)-1] != len(data) {
		ends = append(ends, len(data))
	}
	parses := func(n int) bool { // the first n lines
		dec := yaml.NewDecoder(bytes.NewReader(data[:ends[n-1]]))
		for {
			var v yaml.Node
			err := dec.Decode(&v)
			if errors.Is(err, io.EOF) {
				return true
			}
			if err != nil {
				return false
			}
		}
	}
	// The prefixes that end at or after the problem all fail; before it,
	// all parse but those that cut a construct in two (a flow collection
	// over several lines). Look down from the end for the longest prefix
	// that parses, then bisect what is left.
	lo, hi := from-1, len(ends)
	if lo >= hi {
		return from
	}
	for steps := 0; hi-1 > lo && hi-1 >= 1 && steps < maxProblemSearchSteps; steps++ {
		if parses(hi - 1) {
			return hi
		}
		hi--
	}
	for steps := 0; hi-lo > 1 && steps < maxProblemSearchSteps; steps++ {
		mid := (lo + hi) / 2
		if mid >= 1 && parses(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// Bounds on the search for the line of a parser error: each step parses a
// prefix of the text, so the search runs only on small documents and
// takes a bounded number of steps.
const (
	maxProblemSearchSteps = 16
)
