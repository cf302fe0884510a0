package diag

// File is a ruleset file given by name and content.
type File struct {
	Name string
	Data []byte
}
