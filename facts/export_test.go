package facts

// Hooks for the external tests: the two paths of DecodeLine, apart.
var (
	DecodePlainJSON = decodePlainJSON
	DecodeLineNodes = decodeLineNodes
)
