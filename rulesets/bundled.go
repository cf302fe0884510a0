package rulesets

import (
	"embed"
	"io/fs"
	"sync"
)

//go:embed bundled
var bundledFS embed.FS

// Bundled returns the file system of the rulesets that ship with anzexian:
// the Safety Production Law (2014, 2021), the national implementation
// measures (2017, 2025), Hunan's opinions and Yueqing's draft.
func Bundled() fs.FS {
	sub, err := fs.Sub(bundledFS, "bundled")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}

var (
	bundledOnce sync.Once
	bundledReg  *Registry
	bundledErr  error
)

// LoadBundled loads and compiles the bundled rulesets. The result is shared:
// a Registry is immutable.
func LoadBundled() (*Registry, error) {
	bundledOnce.Do(func() { bundledReg, bundledErr = Load(Bundled()) })
	return bundledReg, bundledErr
}
