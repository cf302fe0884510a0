// Package facts is the input contract: what is known of one enterprise
// ([Facts]: its region, sectors, size, accidents, policy, enforcement
// record …), the dates it is read on ([Date]) and the code vocabularies
// its values come from ([Sectors], [RiskLevels] …).
//
// Facts are read from YAML or JSON with [Decode] (a stream of documents),
// [DecodeLine] (one JSON line of a portfolio, on a fast path that never
// goes through float64) or [DecodeNode] (facts embedded in another YAML
// document); every problem is reported at once in an [*Error] whose
// diagnostics name the field path and the line and column. Facts built in
// Go are checked with [Facts.Validate], which reports what the decoders
// report, with the same codes and paths.
//
// # Zero values
//
// A field left at its zero value means what leaving its key out of a
// document means: optional values are pointers, nil meaning "not given"
// (which is not zero: a rule that needs a value not given is undetermined,
// never computed with 0); yes/no facts are false unless a key says
// otherwise, except [Policy.Insured] and [Policy.UniformLimits], which are
// *bool because an absent key means true. The zero [Date] is "no date".
// [Int], [Dec], [Bool] and [DateP] make the pointers.
//
// # Numbers
//
// Decimals are decoded from their text, never through float64: at most 15
// digits before the point and 16 after. Whole numbers (headcounts, deaths)
// lie between 0 and 2147483647, so that sums in rules cannot overflow.
// Dates lie between [MinDate] and [MaxDate].
//
// # Concurrency
//
// The decoders and Validate are safe for concurrent use. A Facts value is
// plain data: the engine only reads it, so one Facts may be assessed by
// several goroutines at once as long as none changes it.
package facts
