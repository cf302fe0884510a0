package diag

import "fmt"

func TooManyErrors(file, prefix string, n int) *Diagnostic {
	d := &Diagnostic{Severity: SeverityError, Code: prefix + ".too_many_errors", Subject: Range{File: file},
		Hint: fmt.Sprintf("fix the first %d errors and load the file again", MaxErrors), more: n}
	d.setMore(n)
	return d
}

// capErrors keeps the first MaxErrors errors of each file of the sorted ds
// and counts the rest in one .too_many_errors diagnostic per file, which
// a reader may already have made for the errors it did not report.
func CapErrors(ds Diagnostics, prefix string) Diagnostics {
	count := map[string]int{}
	extra := map[string]*Diagnostic{}
	for _, d := range ds {
		if d.more > 0 {
			extra[d.Subject.File] = d
		}
	}
	out := ds[:0]
	for _, d := range ds {
		if d.Severity != SeverityError || d.more > 0 {
			out = append(out, d)
			continue
		}
		f := d.Subject.File
		if count[f] < MaxErrors {
			count[f]++
			out = append(out, d)
			continue
		}
		// one element out for one in: out never overtakes the loop
		if x := extra[f]; x != nil {
			x.setMore(x.more + 1)
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
