package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newVersionCmd) }

func newVersionCmd(env *cliEnv) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the build's version: module version and VCS revision (版本)",
		Long: `Print the module version of this build (v0.3.0 for "go install
github.com/anzexian/anzexian/cmd/anzexian@v0.3.0", "(devel)" for a build from a
clone), the VCS revision and time it was built from when the build recorded them,
and the Go version. The same line is printed by --version.`,
		Example: `  anzexian version
  anzexian --version`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(env.stdout, versionLine())
			return err
		},
	}
}

// versionLine is "anzexian VERSION (revision REV, TIME[, modified]) GO".
func versionLine() string {
	version, rev, at, modified := "(unknown)", "", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	var parts []string
	if rev != "" {
		parts = append(parts, "revision "+rev)
	} else {
		parts = append(parts, "no VCS revision recorded")
	}
	if at != "" {
		parts = append(parts, at)
	}
	if modified {
		parts = append(parts, "modified")
	}
	return fmt.Sprintf("anzexian %s (%s) %s %s/%s", version, strings.Join(parts, ", "), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
