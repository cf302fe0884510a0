// Package answer holds what the three answer packages (coverage, rating,
// penalties) share: citations evaluated for an enterprise, the
// undetermined and trace entries made from evaluation errors, and the
// clearing of an answer's reused room.
package answer
