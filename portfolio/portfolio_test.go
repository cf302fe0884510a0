package portfolio_test

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
)

var factsCmp = cmp.Options{
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	cmpopts.EquateComparable(facts.Date{}),
	cmpopts.IgnoreFields(facts.Facts{}, "Extra"),
}

func readAll(t *testing.T, name string, data []byte, format portfolio.Format) []portfolio.Record {
	t.Helper()
	r, err := portfolio.NewReader(name, bytes.NewReader(data), format)
	if err != nil {
		t.Fatal(err)
	}
	var out []portfolio.Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

// A generated portfolio written as JSONL or CSV reads back as the same
// enterprises, line numbers included.
func TestPortfolioRoundTrip(t *testing.T) {
	want := portfolio.Generate(7, 400)
	// the facts of the timeline (issue 11): closure, records, conclusion,
	// report
	d := facts.DateP
	tl := *want[0]
	tl.Status, tl.ClosedOn = "closed", d("2025-12-01")
	tl.OperatingSince = d("2020-01-01")
	tl.Policy = &facts.Policy{Insured: facts.Bool(true), ConcludedOn: d("2024-12-20"), Start: *d("2025-01-01"), End: *d("2025-12-31")}
	tl.Accidents = []facts.Accident{{Date: *d("2023-05-01"), Deaths: 1, ReportedOn: d("2023-06-01")}}
	tl.Enforcement = nil
	tl.EnforcementRecords = []facts.Record{
		{Kind: "order", Date: *d("2025-03-01"), Subject: "insurance", Deadline: d("2025-03-31"), RectifiedOn: d("2025-04-15")},
		{Kind: "fine", Date: *d("2025-03-01"), Subject: "insurance", Amount: facts.Dec("50000"), Tier: "first"},
		{Kind: "inspection", Date: *d("2025-04-02"), Subject: "hazard", Result: "not_compliant", Period: &facts.Period{From: *d("2025-03-01"), To: *d("2025-03-31")}},
		{Kind: "decision", Date: *d("2025-05-01"), Subject: "other", Measure: "不予处罚"},
	}
	want = append(want, &tl)
	for _, format := range []portfolio.Format{portfolio.JSONL, portfolio.CSV} {
		t.Run(string(format), func(t *testing.T) {
			var buf bytes.Buffer
			w := portfolio.NewWriter(&buf, format)
			for _, f := range want {
				if err := w.Write(f); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			recs := readAll(t, "book."+string(format), buf.Bytes(), format)
			if len(recs) != len(want) {
				t.Fatalf("read %d enterprises, wrote %d", len(recs), len(want))
			}
			first := 1
			if format == portfolio.CSV {
				first = 2 // after the header
			}
			for i, rec := range recs {
				if rec.Err != nil {
					t.Fatalf("record %d: %v", i, rec.Err)
				}
				if rec.Line != first+i {
					t.Errorf("record %d on line %d, want %d", i, rec.Line, first+i)
				}
				if diff := cmp.Diff(want[i], rec.Facts, factsCmp); diff != "" {
					t.Fatalf("enterprise %d changed (-written +read):\n%s", i, diff)
				}
			}
		})
	}
}

// A bad record is reported with its line and the field, and reading goes
// on with the next one.
func TestPortfolioBadRecords(t *testing.T) {
	jsonl := strings.Join([]string{
		`{"region": "430100", "sectors": ["coal_mine"]}`,
		``,
		`{"region": "430100", "sectors": ["coal_mine"], "employees": "many"}`,
		`{"region": "430100", "sectors": ["coal_mine"]`,
		`{"region": "430100", "sectors": ["coal_mine"], "employes": 3}`,
		`{"region": "430100", "sectors": ["coal_mine"]}`,
	}, "\n")
	csvText := "region,sectors,employees,accidents,policy.start\n" +
		"430100,coal_mine,12,,\n" +
		"430100,coal_mine;fireworkz,4,,\n" +
		"430100,coal_mine,3,[{\"date\": \"2024-01-02\", \"deaths\": 1},\n" +
		"430100,coal_mine,3,,\n" +
		"430100,coal_mine,3,\"[{\"\"date\"\": \"\"2024-13-02\"\"}]\",2025-01-01\n" +
		"430100,coal_mine,3,,2025-02-30\n"
	tests := []struct {
		format portfolio.Format
		data   string
		want   []string // per record: "" for good, else code@line:path
	}{
		{portfolio.JSONL, jsonl, []string{"", "facts.type@3:employees", "facts.syntax@4:", "facts.unknown_field@5:employes", ""}},
		{portfolio.CSV, csvText, []string{"", "facts.unknown_code@3:sectors[1]", "facts.syntax@4:", "", "facts.date@6:accidents[0].date", "facts.date@7:policy.start"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			recs := readAll(t, "book", []byte(tt.data), tt.format)
			var got []string
			for _, rec := range recs {
				if rec.Err == nil {
					got = append(got, "")
					continue
				}
				var fe *facts.Error
				if !errors.As(rec.Err, &fe) {
					t.Fatalf("line %d: %v is not a *rulesets.FactsError", rec.Line, rec.Err)
				}
				d := fe.Diagnostics[0]
				if d.Subject.Start.Line != rec.Line {
					t.Errorf("record on line %d, diagnostic on line %d", rec.Line, d.Subject.Start.Line)
				}
				got = append(got, d.Code+"@"+strconv.Itoa(d.Subject.Start.Line)+":"+d.Path)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}
