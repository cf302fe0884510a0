// Package answer holds what the three answer packages (coverage, rating,
// penalties) share: citations evaluated for an enterprise, and the
// undetermined and trace entries made from evaluation errors.
package answer
