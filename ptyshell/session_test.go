package ptyshell

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
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

// TestSessionWriteInputGoesStraightToThePTY checks that typed bytes are
// written to the PTY by WriteInput itself when nothing is queued, so a key
// does not wait for the writer goroutine to be scheduled: nothing is left
// queued when it returns, and the program reads the bytes in order.
func TestSessionWriteInputGoesStraightToThePTY(t *testing.T) {
	out := filepath.Join(t.TempDir(), "got")
	s, err := Start(exec.Command("sh", "-c", "stty raw -echo; echo ready; exec head -c 6 > "+out), Options{Rows: 5, Cols: 40})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	waitFor(t, s, "raw mode", func() bool { return strings.Contains(s.Text(), "ready") })
	for _, k := range []string{"ab", "cd", "ef"} {
		if err := s.WriteInput([]byte(k)); err != nil {
			t.Fatalf("WriteInput(%q): %v", k, err)
		}
		if q, n := s.queued.Load(), len(s.input); q != 0 || n != 0 {
			t.Fatalf("after WriteInput(%q): %d chunks queued (%d in the channel), want them written at once", k, q, n)
		}
	}
	select {
	case <-s.Done():
	case <-time.After(waitDeadline):
		t.Fatal("head did not finish")
	}
	if got, err := os.ReadFile(out); err != nil || string(got) != "abcdef" {
		t.Fatalf("program read %q (%v), want \"abcdef\"", got, err)
	}
}

// TestSessionReplyNeverSplitsInput: a program asking for the cursor
// position over and over while it reads a big paste slowly gets each reply
// between two pieces of input, never inside one: a piece the PTY took only
// in part has its rest queued before anything else can be.
func TestSessionReplyNeverSplitsInput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "got")
	// Raw mode; ask, read at most 700 bytes, keep them, until a 'Z'.
	child := `import os, sys, time, tty
tty.setraw(0)
out = open(sys.argv[1], "wb")
os.write(1, b"ready\r\n")
while True:
    os.write(1, b"\x1b[6n")
    d = os.read(0, 700)
    out.write(d)
    if b"Z" in d:
        break
    time.sleep(0.0002)
out.close()
`
	s, err := Start(exec.Command(needProgram(t, "python3"), "-c", child, out), Options{Rows: 5, Cols: 40})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	waitFor(t, s, "the child in raw mode", func() bool { return strings.Contains(s.Text(), "ready") })
	piece := []byte("<" + strings.Repeat("a", 3000) + ">")
	for range 3000 {
		for s.queued.Load() > 2 { // keep the pieces coming, not piling up
			time.Sleep(50 * time.Microsecond)
		}
		if err := s.WriteInput(piece); err != nil {
			t.Fatalf("WriteInput: %v", err)
		}
	}
	if err := s.WriteInput([]byte("Z")); err != nil {
		t.Fatalf("WriteInput: %v", err)
	}
	select {
	case <-s.Done():
	case <-time.After(waitDeadline):
		t.Fatal("the child did not finish")
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	pieces, split := 0, 0
	for _, p := range bytes.Split(got, []byte("<")) {
		if end := bytes.IndexByte(p, '>'); end >= 0 {
			pieces++
			if end != 3000 || bytes.Count(p[:end], []byte("a")) != 3000 {
				split++
			}
		}
	}
	if pieces != 3000 || split != 0 {
		t.Fatalf("the child read %d pieces of input, %d with something else inside, want 3000 whole ones", pieces, split)
	}
}

// TestSessionInputKeepsOrderUnderBackpressure: input written straight to
// the master while nothing is queued, and queued once the program falls
// behind (its terminal buffer full), reaches the program complete and in
// order; a program that reads nothing fills the queue and WriteInput
// then says so instead of blocking.
func TestSessionInputKeepsOrderUnderBackpressure(t *testing.T) {
	out := filepath.Join(t.TempDir(), "got")
	// Raw mode, no echo: the bytes arrive as sent. The reader sleeps
	// first, so the terminal's buffer fills and the rest must queue.
	script := "stty raw -echo; sleep 1; exec head -c 300000 > " + out
	s, err := Start(exec.Command("sh", "-c", script), Options{Rows: 5, Cols: 40})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	waitFor(t, s, "raw mode", func() bool {
		b, _ := exec.Command("ps", "-o", "comm=", "--ppid", strconv.Itoa(s.Pid())).Output()
		return strings.Contains(string(b), "sleep")
	})
	var want bytes.Buffer
	for i := 0; want.Len() < 300000; i++ {
		chunk := fmt.Sprintf("%07d|", i)
		want.WriteString(chunk)
		for {
			err := s.WriteInput([]byte(chunk))
			if err == nil {
				break
			}
			if !errors.Is(err, ErrInputBacklog) {
				t.Fatalf("WriteInput: %v", err)
			}
			time.Sleep(10 * time.Millisecond) // the program is behind: retry
		}
	}
	select {
	case <-s.Done():
	case <-time.After(time.Minute):
		t.Fatal("head did not finish")
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()[:300000]) {
		i := 0
		for i < len(got) && got[i] == want.Bytes()[i] {
			i++
		}
		t.Fatalf("program read %d bytes, first difference at %d: %q", len(got), i, got[i:min(i+40, len(got))])
	}
}
