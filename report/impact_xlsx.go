package report

import (
	"io"

	"github.com/anzexian/anzexian/portfolio"
)

// WriteImpactXLSX writes the impact report as a workbook.
func WriteImpactXLSX(w io.Writer, r *portfolio.ImpactReport) error {
	cw := portfolio.NewChangedWriter(w, portfolio.XLSX)
	for _, c := range r.ChangedList {
		if err := cw.Write(c); err != nil {
			return err
		}
	}
	return cw.Close()
}
