package report_test

import (
	"strings"
	"testing"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/report"
)

// Names come from the facts, texts from rulesets: control characters in
// them are printed escaped, never sent to the terminal (a name that clears
// the screen, or reverses the text after it).
func TestTextFormEscapesControlCharacters(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	f := &facts.Facts{Name: "\x1b[2J\x1b[31m长沙\u202e某公司\r", Region: "430100", Sectors: []string{"other"}, Employees: facts.Int(4)}
	a, err := eng.Assess(f, anzexian.At(facts.MustParseDate("2026-01-01")))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := report.WriteAssessment(&b, a); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.ContainsAny(out, "\x1b\u202e\r") {
		t.Errorf("control characters printed raw:\n%q", out[:200])
	}
	if !strings.Contains(out, `企业：\x1b[2J\x1b[31m长沙\u202e某公司\x0d　地区`) {
		t.Errorf("the name is not escaped:\n%s", strings.SplitN(out, "\n", 2)[0])
	}
}
