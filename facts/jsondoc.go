package facts

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/internal/yamlx"
	"gopkg.in/yaml.v3"
)

// jsonDocument checks a document written as JSON — an object whose first
// key is in double quotes — as JSON, strictly: YAML reads {"a": 1,} and
// other malformed JSON without a word (a flow mapping may end in a comma),
// and a JSON file that a JSON tool would reject must not be assessed as if
// it were valid. The value is checked with encoding/json into raw bytes,
// never a float. It returns nil for a document that is not written as JSON
// or is valid JSON.
func jsonDocument(name string, data []byte, n *yaml.Node) *diag.Diagnostic {
	if n.Kind != yaml.MappingNode || n.Style&yaml.FlowStyle == 0 || len(n.Content) == 0 ||
		n.Content[0].Style&yaml.DoubleQuotedStyle == 0 {
		return nil
	}
	start := offsetOf(data, n.Line, n.Column)
	if start < 0 || start >= len(data) || data[start] != '{' {
		return nil // positions renumbered (exotic line breaks): YAML's reading stands
	}
	dec := json.NewDecoder(bytes.NewReader(data[start:]))
	var raw json.RawMessage
	err := dec.Decode(&raw)
	if err == nil {
		return nil
	}
	off := start + int(dec.InputOffset())
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = start + int(se.Offset) - 1
	}
	line, col := positionOf(data, off)
	return &diag.Diagnostic{Severity: diag.SeverityError, Code: "facts.syntax",
		Summary: "JSON syntax error: " + err.Error(),
		Hint:    "the document is written as JSON, so it is read as JSON: no comma after the last item, keys and strings in double quotes",
		Subject: diag.Range{File: name, Start: diag.Pos{Line: line, Column: col}},
		Source:  yamlx.SourceLine(data, line)}
}

// offsetOf returns the byte offset of a 1-based line and rune column, or -1.
func offsetOf(data []byte, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	for c := 1; c < col; c++ {
		if off >= len(data) {
			return -1
		}
		_, size := utf8.DecodeRune(data[off:])
		off += size
	}
	return off
}

// positionOf returns the 1-based line and rune column of a byte offset.
func positionOf(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	line = 1 + bytes.Count(data[:off], []byte{'\n'})
	lineStart := bytes.LastIndexByte(data[:off], '\n') + 1
	return line, 1 + utf8.RuneCount(data[lineStart:off])
}
