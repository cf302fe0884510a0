package yamlx

import (
	"fmt"

	"github.com/anzexian/anzexian/diag"
)

// TooManyErrors is the diagnostic that stands for n errors of file not
// reported.
func TooManyErrors(file, prefix string, n int) *diag.Diagnostic {
	d := &diag.Diagnostic{Severity: diag.SeverityError, Code: prefix + ".too_many_errors", Subject: diag.Range{File: file},
		Hint: fmt.Sprintf("fix the first %d errors and load the file again", diag.MaxErrors), More: n}
	setMore(d, n)
	return d
}

// CapErrors keeps the first diag.MaxErrors errors of each file of the sorted ds
// and counts the rest in one .too_many_errors diagnostic per file, which
// a reader may already have made for the errors it did not report.
func CapErrors(ds diag.Diagnostics, prefix string) diag.Diagnostics {
	count := map[string]int{}
	extra := map[string]*diag.Diagnostic{}
	for _, d := range ds {
		if d.More > 0 {
			extra[d.Subject.File] = d
		}
	}
	out := ds[:0]
	for _, d := range ds {
		if d.Severity != diag.SeverityError || d.More > 0 {
			out = append(out, d)
			continue
		}
		f := d.Subject.File
		if count[f] < diag.MaxErrors {
			count[f]++
			out = append(out, d)
			continue
		}
		// one element out for one in: out never overtakes the loop
		if x := extra[f]; x != nil {
			setMore(x, x.More+1)
			continue
		}
		x := TooManyErrors(f, prefix, 1)
		extra[f] = x
		out = append(out, x)
	}
	for i := len(out); i < len(ds); i++ {
		ds[i] = nil
	}
	return out
}

func setMore(d *diag.Diagnostic, n int) {
	d.More = n
	d.Summary = fmt.Sprintf("%d more errors are not shown", n)
}
