package report

// Lang is the language of a rendering for people: Chinese (the default)
// or English. Codes are shown beside their labels in both.
type Lang string

const (
	Chinese Lang = "zh"
	English Lang = "en"
)

// t picks the text of the language.
func (l Lang) t(zh, en string) string {
	if l == English {
		return en
	}
	return zh
}
