package main

import (
	"strings"
	"testing"
)

// Every command answers --help and help COMMAND with its usage and
// examples, on stdout, exit 0.
func TestHelpEveryCommand(t *testing.T) {
	root := newRoot(&cliEnv{})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	if len(root.Commands()) < 10 {
		t.Fatalf("only %d commands", len(root.Commands()))
	}
	for _, c := range root.Commands() {
		name := c.Name()
		for _, args := range [][]string{{name, "--help"}, {"help", name}, {name, "-h"}} {
			code, out, errs := runCLI(t, "", args...)
			if code != 0 || errs != "" {
				t.Errorf("%v: exit %d, stderr %q", args, code, errs)
			}
			if !strings.Contains(out, "Usage:") {
				t.Errorf("%v: no usage:\n%s", args, out)
			}
			if name != "help" && name != "completion" && !strings.Contains(out, "Examples:") {
				t.Errorf("%v: no examples:\n%s", args, out)
			}
		}
	}
}

func TestCLIContract(t *testing.T) {
	tests := []cliCase{
		{name: "flags after the file", args: []string{"assess", "examples/enterprises/hunan-hazchem-storage.yaml", "--at", "2026-01-01"},
			code: 0, stdout: []string{"评估日：2026-01-01"}, not: []string{"stat --at"}},
		{name: "flag=value after stdin", stdin: `{"region": "430100", "sectors": ["coal_mine"]}`, args: []string{"assess", "-", "--format=json", "--at=2026-01-01"},
			code: 0, stdout: []string{`"as_of":"2026-01-01"`}},
		{name: "help for a command", args: []string{"assess", "--help"}, code: 0, stdout: []string{"--trace", "--lang", "Examples:"}},
		{name: "batch help names its flags", args: []string{"help", "batch"}, code: 0, stdout: []string{"--full", "--progress", "--out-format", "results.csv"}},
		{name: "impact help names --top", args: []string{"impact", "--help"}, code: 0, stdout: []string{"--top", "--changed"}},
		{name: "version", args: []string{"version"}, code: 0, stdout: []string{"anzexian ", "go1."}},
		{name: "--version", args: []string{"--version"}, code: 0, stdout: []string{"anzexian "}},
		{name: "completion", args: []string{"completion", "bash"}, code: 0, stdout: []string{"__anzexian"}},
		{name: "completion of a flag's values", args: []string{"__complete", "assess", "--format", ""}, code: 0, stdout: []string{"json", "text"}},
		{name: "unknown flag", args: []string{"assess", "--att", "2026-01-01", "x.yaml"}, code: 2, stderr: []string{"unknown flag: --att", "usage: anzexian assess"}},
		{name: "malformed JSON is an error", stdin: `{"region": "430100", "sectors": ["coal_mine"],}`, args: []string{"assess", "--at", "2026-01-01", "-"},
			code: 2, stderr: []string{"<stdin>:1:47", "JSON syntax error"}},
		{name: "unknown insurer", stdin: `{"region": "430100", "sectors": ["coal_mine"]}`, args: []string{"assess", "--insurer", "某保险公司", "--at", "2026-01-01", "-"},
			code: 2, stderr: []string{`--insurer "某保险公司"`}},
		{name: "insurer whose filing is not yet in force", stdin: `{"region": "430100", "sectors": ["coal_mine"], "employees": 10}`,
			args: []string{"assess", "--insurer", "示例财产保险股份有限公司", "--with", "examples/rulesets/filing-example.yaml", "--at", "2025-03-28", "-"},
			code: 0, stdout: []string{"保险机构「示例财产保险股份有限公司」在本地区、本评估日没有费率备案"}},
		{name: "unknown province", stdin: `{"region": "990000", "sectors": ["coal_mine"]}`, args: []string{"assess", "--at", "2026-01-01", "-"},
			code: 2, stderr: []string{`no province has the code "99"`}},
		{name: "unlisted code under a known province", stdin: `{"region": "439999", "sectors": ["coal_mine"]}`, args: []string{"assess", "--at", "2026-01-01", "-"},
			code: 0, stdout: []string{"地区代码 439999 不在所用的行政区划代码数据中"}},
		{name: "too many arguments", args: []string{"batch", "a.jsonl", "b.jsonl"}, code: 2, stderr: []string{"accepts 1 arg(s), received 2"}},
	}
	checkCLI(t, tests)
}
