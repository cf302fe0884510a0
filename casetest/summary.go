package casetest

// Summary is the outcome of a run as data: what `anzexian test --format
// json` prints and the server's /v1/test answers, the same bytes for the same
// run.
type Summary struct {
	Cases    int             `json:"cases"`
	Failed   int             `json:"failed"`
	Failures []FailedSummary `json:"failures"`
	// Coverage is set when it was asked for.
	Coverage *CoverageReport `json:"coverage,omitempty"`
}

// FailedSummary is one failed expectation of a case, with its diff (-want
// +got).
type FailedSummary struct {
	Case string `json:"case"`
	What string `json:"what"`
	Diff string `json:"diff"`
}

// Summary returns the run's summary; with coverage, the rule coverage too.
func (r *Report) Summary(coverage bool) *Summary {
	out := &Summary{Cases: len(r.Results), Failed: r.Failed(), Failures: []FailedSummary{}}
	for _, x := range r.Results {
		for _, f := range x.Failures {
			out.Failures = append(out.Failures, FailedSummary{Case: x.Case.ID(), What: f.What, Diff: f.Diff})
		}
	}
	if coverage {
		out.Coverage = r.Coverage()
	}
	return out
}
