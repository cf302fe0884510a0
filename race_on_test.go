//go:build race

package anzexian_test

// slowdown is how much slower code runs in this build: the race detector
// makes it five to ten times slower, and time bounds of tests scale with it.
const slowdown = 10
