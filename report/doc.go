// Package report renders answers for people: an assessment as text
// ([WriteAssessment]: obligation and reasons, requirements, findings, the
// premium worksheet, penalties, each with its legal basis), and an impact
// report as text ([WriteImpact]) or as one self-contained HTML page with
// SVG histograms ([WriteImpactHTML]).
//
// The functions only read what they render and are safe for concurrent
// use. Machine forms are not here: an Assessment writes its own JSON
// (Assessment.AppendJSON), a portfolio its brief form.
package report
