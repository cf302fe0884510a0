package lang

import (
	"reflect"
	"testing"

	"github.com/anzexian/anzexian/facts"
)

// TestHistoryReset fills every field of a History and checks that reset
// empties each one (a slice to length zero, anything else to zero), so
// that a field added to History is not carried from one evaluation to the
// next.
func TestHistoryReset(t *testing.T) {
	var h History
	v := reflect.ValueOf(&h).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		f = reflect.NewAt(f.Type(), f.Addr().UnsafePointer()).Elem() // unexported fields too
		switch f.Kind() {
		case reflect.Slice:
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Pointer:
			f.Set(reflect.New(f.Type().Elem()))
		case reflect.Struct:
			switch x := f.Addr().Interface().(type) {
			case *facts.Date:
				*x = facts.NewDate(2020, 1, 2)
			case *Proof:
				x.OpenStart, x.names[0] = true, "x"
			default:
				t.Fatalf("field %s: fill a %s in this test", v.Type().Field(i).Name, f.Type())
			}
		default:
			t.Fatalf("field %s: fill a %s in this test", v.Type().Field(i).Name, f.Type())
		}
	}
	base := facts.NewDate(2026, 1, 1)
	h.reset(base)
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		f := v.Field(i)
		switch {
		case name == "Base":
			if h.Base != base {
				t.Errorf("Base = %s, want %s", h.Base, base)
			}
		case f.Kind() == reflect.Slice:
			if f.Len() != 0 {
				t.Errorf("field %s keeps %d elements", name, f.Len())
			}
		case !f.IsZero():
			t.Errorf("field %s is not reset", name)
		}
	}
}
