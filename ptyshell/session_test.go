package ptyshell

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

func TestSessionBashEcho(t *testing.T) {
	s := startBash(t, Options{Rows: 24, Cols: 80})
	typeLine(t, s, "echo hello-$((6*7))")
	waitText(t, s, "hello-42")
	rows, cols := s.Size()
	if rows != 24 || cols != 80 {
		t.Fatalf("Size = %dx%d, want 24x80", rows, cols)
	}
	// The command line and its output are on separate rows; the cursor
	// sits after a fresh prompt below them.
	waitFor(t, s, "prompt after output", func() bool {
		ls := lines(s)
		for i, l := range ls {
			if l == "hello-42" && i+1 < len(ls) && ls[i+1] == "$" {
				return true
			}
		}
		return false
	})
	c := s.Cursor()
	if !c.Visible || c.Col != 2 {
		t.Fatalf("cursor = %+v, want visible at column 2 after the prompt", c)
	}
	if got := lines(s)[c.Row]; got != "$" {
		t.Fatalf("cursor row %d shows %q, want the prompt", c.Row, got)
	}
}

func TestSessionExitStatus(t *testing.T) {
	sh := needProgram(t, "sh")
	for _, tc := range []struct {
		script string
		want   int
	}{
		{"echo bye; exit 7", 7},
		{"kill -TERM $$", 128 + 15},
		{"exit 0", 0},
	} {
		t.Run(tc.script, func(t *testing.T) {
			s, err := Start(exec.Command(sh, "-c", tc.script), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			<-s.Done()
			code, exited := s.ExitStatus()
			if !exited || code != tc.want {
				t.Fatalf("ExitStatus = %d, %v; want %d, true", code, exited, tc.want)
			}
			if strings.HasPrefix(tc.script, "echo") && !strings.Contains(s.Text(), "bye") {
				t.Fatalf("last output missing after exit; screen:\n%s", s.Text())
			}
			if err := s.Close(); err != nil {
				t.Fatalf("Close after exit: %v", err)
			}
			if _, err := os.Stat(fmt.Sprintf("/proc/%d", s.Pid())); err == nil {
				t.Fatalf("pid %d still exists after exit and Close", s.Pid())
			}
		})
	}
}

func TestSessionStartErrors(t *testing.T) {
	if _, err := Start(exec.Command("/nonexistent/prog"), Options{}); err == nil {
		t.Fatal("Start of a missing program succeeded")
	}
	cmd := exec.Command(needProgram(t, "true"))
	cmd.Stdout = os.Stdout
	if _, err := Start(cmd, Options{}); err == nil || !strings.Contains(err.Error(), "must be nil") {
		t.Fatalf("Start with Stdout set: err = %v, want a clear refusal", err)
	}
	if _, err := Start(nil, Options{}); err == nil {
		t.Fatal("Start(nil) succeeded")
	}
}

// procStatField returns field n (1-based, as in proc(5)) of /proc/pid/stat.
func procStatField(t *testing.T, pid, n int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	v, err := strconv.Atoi(f[n-3])
	if err != nil {
		t.Fatal(err)
	}
	return v
}
