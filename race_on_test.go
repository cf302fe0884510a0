//go:build race

package anzexian_test

// slowdown is how much slower code runs in this build: the race detector
// makes it five to ten times slower, and time bounds of tests scale with it.
const slowdown = 10

// raceEnabled: the race detector also makes sync.Pool drop what it is
// given at random, so allocation counts are not what they are without it.
const raceEnabled = true
