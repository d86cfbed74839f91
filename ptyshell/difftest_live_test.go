package ptyshell

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// diffLiveSnap reads a session's screen the way diffSnap reads an
// emulator's, under the session's lock.
func diffLiveSnap(s *Session) diffScreen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return diffSnap(s.emu)
}

// diffSettle waits until the screen has shown want and then stayed the same
// for a while (the program is done drawing).
func diffSettle(t *testing.T, s *Session, want string) diffScreen {
	t.Helper()
	waitText(t, s, want)
	last, since := s.Text(), time.Now()
	deadline := time.Now().Add(waitDeadline)
	for time.Since(since) < 400*time.Millisecond {
		if time.Now().After(deadline) {
			t.Fatalf("screen never settled:\n%s", s.Text())
		}
		time.Sleep(50 * time.Millisecond)
		if cur := s.Text(); cur != last {
			last, since = cur, time.Now()
		}
	}
	return diffLiveSnap(s)
}

// diffLivePair runs the same program under ptyshell.Start once with the
// candidate emulator and once with the oracle, drives both with the same
// steps, and compares the settled screens after each step.
func diffLivePair(t *testing.T, name string, mk func() *exec.Cmd, steps []diffLiveStep) {
	t.Helper()
	var ss [2]*Session
	for i, f := range []EmulatorFactory{diffOracle(), diffCandidate()} {
		s, err := Start(mk(), Options{Rows: 24, Cols: 80, NewEmulator: f})
		if err != nil {
			t.Fatalf("start %s: %v", name, err)
		}
		t.Cleanup(func() { _ = s.Close() })
		ss[i] = s
	}
	known := diffKnownDiffs()
	for _, st := range steps {
		var scr [2]diffScreen
		for i, s := range ss {
			if st.keys != "" {
				if err := s.WriteInput([]byte(st.keys)); err != nil {
					t.Fatalf("%s: send %q: %v", name, st.keys, err)
				}
			}
			scr[i] = diffSettle(t, s, st.want)
		}
		for _, d := range diffCompare(scr[0], scr[1]) {
			ok := false
			for _, k := range known {
				if k.matches("live-"+name, diffPoint{label: st.label}, d) {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s after %q: %v\noracle:\n%scandidate:\n%s", name, st.label, d, diffDump(scr[0], d.row), diffDump(scr[1], d.row))
			}
		}
	}
}

// diffLiveStep is keys to type and text to wait for.
type diffLiveStep struct {
	label, keys, want string
}

// TestDiffLiveBash runs an interactive bash with each emulator, types the
// same commands (colours, a directory listing, wrapping and line editing,
// output that scrolls) and compares the screens after each settles.
func TestDiffLiveBash(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.go", "b.txt", "run.sh", "x.tar.gz"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	mk := func() *exec.Cmd {
		c := bashCmd(t)
		c.Dir = dir
		return c
	}
	diffLivePair(t, "bash", mk, []diffLiveStep{
		{"prompt", "", "$"},
		{"ls", "ls --color=always\r", "x.tar.gz"},
		{"colours", "printf '\\e[1;31mred\\e[0m \\e[38;5;208morange\\e[0m \\e[48;2;0;0;128m navy \\e[0m \\e[4:3mcurly\\e[0m 日本 é\\n'\r", "curly"},
		{"line editing", "echo helo wrold\x01\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[Cl\x05\x1b[D\x1b[D\x1b[D\x7f\x7for", "echo hello orold"},
		{"edited", "\r", "\nhello orold"},
		{"wrap", "echo " + strings.Repeat("wrap-", 30) + "end\r", "wrap-end"},
		{"scroll", "seq 1 60; echo DONE-$((6*7))\r", "DONE-42"},
	})
}

// TestDiffLiveVim runs vim on a file with each emulator and compares the
// screens: opening, line numbers, a split, an insert with wide characters,
// and the main screen after it quits.
func TestDiffLiveVim(t *testing.T) {
	needProgram(t, "vim")
	dir := t.TempDir()
	file := filepath.Join(dir, "f.txt")
	var b strings.Builder
	for i := range 120 {
		b.WriteString("line " + strings.Repeat("x", i%50) + " end\n")
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	mk := func() *exec.Cmd {
		c := exec.Command(needProgram(t, "vim"), "-u", "NONE", "-N", "-i", "NONE", "-n", file)
		c.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "HOME="+dir)
		c.Dir = dir
		return c
	}
	diffLivePair(t, "vim", mk, []diffLiveStep{
		{"open", "", "f.txt"},
		{"number", ":set number ruler\r", "  1 line"},
		{"G", "G", "120 line"},
		{"insert", "o日本語 and é and tabs\there\x1b", "tabs"},
		{"split", ":split\r", "[+]"},
		{"scroll other", "\x17w\x06", "[+]"},
		{"quit", ":qa!\r", ""},
	})
}
