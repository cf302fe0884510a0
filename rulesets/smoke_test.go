package rulesets

import (
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/lang"
	"testing"
)

const smokeRS = `schema: anzexian/v1
id: cn/test/smoke
version: "1"
status: in_force
kind: policy
title: smoke
region: ""
effective: {from: 2020-01-01}
sources:
  s1: {title: 测试}
let:
  big: employees > 100
  fatal5: any(accidents_within(5), {.deaths > 0 || .serious_injuries >= 3})
  rev_k: annual_revenue * 0.0015 + 1.5
coverage:
  - id: hc
    when: in_sector("hazardous_chemicals") && big
    obligation: mandatory
    text: 危化
    cite: {source: s1, article: 第一条}
  - id: fatal
    when: fatal5
    obligation: required
    text: 事故
    cite: {source: s1, article: 第二条}
  - id: money
    when: rev_k > 100 && -annual_revenue < 0 && policy.death_limit != nil
    obligation: encouraged
    text: money
    cite: {source: s1}
`

func TestSmoke(t *testing.T) {
	reg, err := LoadFiles(diag.File{Name: "smoke.yaml", Data: []byte(smokeRS)})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := facts.Decode("f.yaml", []byte(`
region: "430100"
sectors: [hazardous_chemicals.storage]
employees: 150
annual_revenue: 1000000
accidents:
  - {date: 2023-05-01, deaths: 0, serious_injuries: 3}
`))
	if err != nil {
		t.Fatal(err)
	}
	st, err := reg.Stack("430100", facts.MustParseDate("2026-01-01"), "")
	if err != nil {
		t.Fatal(err)
	}
	ev := lang.NewEval()
	if err := st.Bind(ev, fs[0], facts.MustParseDate("2026-01-01"), ""); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"hc": true, "fatal": true, "money": false}
	for _, c := range st.Coverage {
		v, err := c.When.Bool(ev)
		if err != nil {
			t.Errorf("%s: %v", c.ID, err)
		}
		if v != want[c.ID] {
			t.Errorf("%s = %v, want %v", c.ID, v, want[c.ID])
		}
		delete(want, c.ID)
	}
	if len(want) > 0 {
		t.Errorf("rules not in the stack: %v", want)
	}
}
