// Package portfolio works on books of enterprises: reading and writing
// them (JSONL, one facts object a line, and CSV, one enterprise a row),
// assessing a whole book in input order on every core ([Batch]), showing
// what a rule change does across a book ([Impact]) and drawing realistic
// sample books ([Generate]).
//
// Batch and Impact stream: memory stays bounded whatever the size of the
// book, a record that does not decode is reported with its line (and
// skipped or stops the run, as the options say), output holds complete
// lines only, and a cancelled context stops them cleanly. Each output line
// of Batch is an enterprise's brief form ([AppendBrief]) or its whole
// assessment.
//
// A [Reader] or [Writer] is used by one goroutine at a time; Batch and
// Impact may run concurrently on one engine. The zero BatchOptions and
// ImpactOptions mean: as of today, format from the file's name, every
// core, stop at the first bad record.
package portfolio
