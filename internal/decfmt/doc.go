// Package decfmt formats decimals without allocating more than the result:
// as decimal.Decimal's String and StringFixed write them (for JSON), and
// as yuan amounts for people.
package decfmt
