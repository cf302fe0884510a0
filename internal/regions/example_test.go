// The examples are in package regions itself so that this file does not
// depend on the module path the package ends up under.
package regions

import "fmt"

func ExampleLookup() {
	for _, code := range []string{"43", "4301", "330382", "110103", "990000"} {
		r, ok := Lookup(code)
		fmt.Println(code, ok, r.Code, r.Name, r.Level, r.Current)
	}
	// Output:
	// 43 true 430000 湖南省 province true
	// 4301 true 430100 长沙市 prefecture true
	// 330382 true 330382 乐清市 county true
	// 110103 true 110103 崇文区 county false
	// 990000 false   national false
}

func ExamplePath() {
	for _, r := range Path("330382") {
		fmt.Println(r.Code, r.Name, r.Level)
	}
	// Output:
	// 330000 浙江省 province
	// 330300 温州市 prefecture
	// 330382 乐清市 county
}

func ExampleFullName() {
	fmt.Println(FullName("330382"))
	fmt.Println(FullName("110103"))
	fmt.Printf("%q\n", FullName("990000"))
	// Output:
	// 浙江省温州市乐清市
	// 北京市崇文区
	// ""
}
