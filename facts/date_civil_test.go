package facts

import (
	"testing"
	"time"
)

// TestCivilDays checks the civil-date arithmetic against package time on
// every day of the years 1–9999: the day number, the parts, the text and
// AddYears (29 February included).
func TestCivilDays(t *testing.T) {
	step := 1
	if testing.Short() {
		step = 7
	}
	start := time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(9999, time.December, 31, 0, 0, 0, 0, time.UTC)
	n := int32(1)
	for tm := start; !tm.After(end); tm = tm.AddDate(0, 0, step) {
		d := NewDate(tm.Year(), tm.Month(), tm.Day())
		if d.n != n {
			t.Fatalf("%s: day number %d, want %d", tm.Format("2006-01-02"), d.n, n)
		}
		if y, m, dd := d.Parts(); d.Year() != tm.Year() || d.Month() != tm.Month() || d.Day() != tm.Day() || y != tm.Year() || m != tm.Month() || dd != tm.Day() {
			t.Fatalf("%s: parts %d-%d-%d", tm.Format("2006-01-02"), d.Year(), d.Month(), d.Day())
		}
		if !d.Time().Equal(tm) {
			t.Fatalf("%s: Time() %s", tm.Format("2006-01-02"), d.Time())
		}
		if tm.Year() >= 1000 && d.String() != tm.Format("2006-01-02") {
			t.Fatalf("%s: String() %s", tm.Format("2006-01-02"), d)
		}
		if b, _ := d.AppendText([]byte("x")); string(b) != "x"+d.String() {
			t.Fatalf("%s: AppendText gives %q", tm.Format("2006-01-02"), b)
		}
		if tm.Year() > 4 && tm.Year() < 9000 && tm.Day() >= 28 {
			for _, k := range []int{-4, -1, 1, 3, 4, 100} {
				want := tm.AddDate(k, 0, 0)
				if want.Day() != tm.Day() { // 29 February into a common year
					want = time.Date(tm.Year()+k, tm.Month(), 28, 0, 0, 0, 0, time.UTC)
				}
				if got := d.AddYears(k); got.Year() < 1 || !got.Time().Equal(want) {
					t.Fatalf("%s + %d years: %s, want %s", tm.Format("2006-01-02"), k, got, want.Format("2006-01-02"))
				}
			}
		}
		n += int32(step)
	}
	// what is not a day
	for _, c := range [][3]int{{2023, 2, 29}, {1900, 2, 29}, {2100, 2, 29}, {2024, 4, 31}, {2024, 13, 1}, {2024, 0, 1}, {0, 1, 1}, {10000, 1, 1}, {2024, 1, 0}, {2024, 1, 32}} {
		if d := NewDate(c[0], time.Month(c[1]), c[2]); !d.IsZero() {
			t.Errorf("NewDate%v = %s, want the zero Date", c, d)
		}
	}
	if NewDate(2000, 2, 29).IsZero() {
		t.Error("2000-02-29 is a day")
	}
	var z Date
	if b, _ := z.AppendText([]byte("x")); string(b) != "x" {
		t.Errorf("the zero Date appends %q", b[1:])
	}
	if z.Year() != 0 || z.Month() != time.December || z.Day() != 31 || z.String() != "" {
		t.Errorf("zero Date: %d-%d-%d %q", z.Year(), z.Month(), z.Day(), z)
	}
}
