// Package suggest makes the hints of diagnostics: the closest candidate to
// a misspelled name ("did you mean"), and short lists of the codes or keys
// allowed.
package suggest
