package rulesets

// errorBudget counts the errors a reader may still report for its file,
// and the expressions it has read from it.
type errorBudget struct{ left, dropped, exprs int }

func newErrorBudget() *errorBudget { return &errorBudget{left: MaxErrors} }

// take reports whether one more error may be reported, counting it.
func (b *errorBudget) take() bool {
	if b == nil {
		return true
	}
	if b.left <= 0 {
		b.dropped++
		return false
	}
	b.left--
	return true
}
