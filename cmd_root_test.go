package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the command tree in-process and returns stdout and the error.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func TestRootVersionPrintsBuildInfo(t *testing.T) {
	out, err := runCLI(t, "version")
	if err != nil {
		t.Fatalf("version: %v", err)
	}
	v, c, d := buildInfo()
	want := "nstui " + v + " (commit " + c + ", built " + d + ")\n"
	if out != want {
		t.Fatalf("version printed %q, want %q", out, want)
	}
}

func TestRootVersionLdflags(t *testing.T) {
	// The release build injects these through -X; check the binary shows them.
	bin := filepath.Join(t.TempDir(), "nstui")
	build := exec.Command("go", "build", "-o", bin,
		"-ldflags", "-X main.version=1.2.3 -X main.commit=abc123 -X main.date=2026-01-02", ".")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("nstui version: %v\n%s", err, out)
	}
	if got, want := string(out), "nstui 1.2.3 (commit abc123, built 2026-01-02)\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestRootHelpEverywhere(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"ls", "--help"}, {"spawn", "--help"}, {"enter", "--help"}, {"version", "--help"}} {
		out, err := runCLI(t, args...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if !strings.Contains(out, "Usage:") {
			t.Fatalf("%v: no usage in help output:\n%s", args, out)
		}
		// Optional values read as nsenter writes them, not pflag's FILE[="="].
		if strings.Contains(out, `[="="]`) {
			t.Fatalf("%v: an optional value shows its internal default:\n%s", args, out)
		}
	}
	out, _ := runCLI(t, "enter", "--help")
	if !strings.Contains(out, "  -n, --net[=FILE]             enter the net namespace") || !strings.Contains(out, "  -w, --wd[=DIR]               set the working") {
		t.Fatalf("enter --help: want -n, --net[=FILE] and -w, --wd[=DIR], aligned:\n%s", out)
	}
}

func TestRootUnknownFlagIsOneClearLine(t *testing.T) {
	_, err := runCLI(t, "--no-such-flag")
	if err == nil || !strings.Contains(err.Error(), "unknown flag: --no-such-flag") {
		t.Fatalf("want an unknown-flag error, got %v", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Fatalf("error spans several lines: %q", err)
	}
}

func TestRootGenDocsWritesManAndCompletions(t *testing.T) {
	// gen-docs is only in builds with -tags gendocs (as make docs and the
	// release hook run it).
	dir := t.TempDir()
	gen := exec.Command("go", "run", "-tags", "gendocs", ".", "gen-docs", dir)
	if b, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("go run -tags gendocs . gen-docs: %v\n%s", err, b)
	}
	for _, f := range []string{"man/nstui.1", "man/nstui-ls.1", "man/nstui-spawn.1", "man/nstui-enter.1",
		"completions/nstui.bash", "completions/nstui.zsh", "completions/nstui.fish"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatalf("missing %s: %v", f, err)
		}
		if !bytes.Contains(b, []byte("nstui")) {
			t.Fatalf("%s does not mention nstui", f)
		}
	}
	// Every generated script asks the binary itself ("nstui __complete ...")
	// for candidates; check that answer.
	out, err := exec.Command(nstuiBinary, "__complete", "sp").CombinedOutput()
	if err != nil {
		t.Fatalf("nstui __complete: %v\n%s", err, out)
	}
	if !strings.HasPrefix(string(out), "spawn\t") {
		t.Fatalf("completion of 'nstui sp' = %q, want spawn first", out)
	}
}
