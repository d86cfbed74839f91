package ptyshell

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nstui/nstui/internal/testutil"
	"go.uber.org/goleak"
)

// fdCount returns the number of open fds of this process.
func fdCount(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

func pidAlive(pid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	return err == nil
}

// waitGone polls until pid is gone from /proc (reparented orphans are reaped
// by init, not by us).
func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(waitDeadline)
	for pidAlive(pid) {
		if time.Now().After(deadline) {
			st, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
			t.Fatalf("pid %d still alive:\n%s", pid, st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSessionCloseLeavesNothing: a shell with a foreground job, a background
// job in its own process group and one that ignores SIGHUP; after Close no
// process of the session, no fd and no goroutine is left.
func TestSessionCloseLeavesNothing(t *testing.T) {
	opts := goleak.IgnoreCurrent()
	fds := fdCount(t)

	s, err := Start(bashCmd(t), Options{CloseGrace: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "prompt", func() bool { return hasLine(s, "$") })
	typeLine(t, s, "sleep 1001 & echo BG=$!")
	typeLine(t, s, "(trap '' HUP; exec sleep 1002) & echo NOHUP=$!")
	re := regexp.MustCompile(`(?m)^BG=(\d+)\n(?:.*\n)*NOHUP=(\d+)$`)
	waitFor(t, s, "background pids", func() bool { return re.MatchString(s.Text()) })
	m := re.FindStringSubmatch(s.Text())
	bg, _ := strconv.Atoi(m[1])
	nohup, _ := strconv.Atoi(m[2])
	typeLine(t, s, "sleep 1003")
	waitForeground(t, s, "sleep")
	fg := procStatField(t, s.Pid(), 8)
	pid := s.Pid()
	for _, p := range []int{pid, bg, nohup, fg} {
		if procStatField(t, p, 6) != pid {
			t.Fatalf("pid %d is not in the shell's session %d", p, pid)
		}
	}

	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for _, p := range []int{pid, bg, nohup, fg} {
		waitGone(t, p)
	}
	if n := fdCount(t); n != fds {
		t.Fatalf("fds: %d before, %d after Close", fds, n)
	}
	goleak.VerifyNone(t, opts)
	if code, exited := s.ExitStatus(); !exited || code != 128+int(syscall.SIGHUP) && code != 128+int(syscall.SIGKILL) {
		t.Fatalf("ExitStatus after Close = %d, %v; want SIGHUP or SIGKILL death", code, exited)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := s.WriteInput([]byte("x")); err != ErrClosed {
		t.Fatalf("WriteInput after Close = %v, want ErrClosed", err)
	}
}

// TestSessionExitThenCloseLeavesNothing: the program ends on its own; the
// session reports it, and Close cleans up the rest.
func TestSessionExitThenCloseLeavesNothing(t *testing.T) {
	opts := goleak.IgnoreCurrent()
	fds := fdCount(t)
	s := startBash(t, Options{})
	// A background job outlives the shell (bash does not SIGHUP its jobs
	// on exit); Close must still end it.
	typeLine(t, s, "sleep 1004 & echo BG=$!")
	re := regexp.MustCompile(`(?m)^BG=(\d+)$`)
	waitFor(t, s, "background pid", func() bool { return re.MatchString(s.Text()) })
	bg, _ := strconv.Atoi(re.FindStringSubmatch(s.Text())[1])
	typeLine(t, s, "exit 3")
	select {
	case <-s.Done():
	case <-time.After(waitDeadline):
		t.Fatal("bash did not exit")
	}
	if code, _ := s.ExitStatus(); code != 3 {
		t.Fatalf("exit code %d, want 3", code)
	}
	waitGone(t, s.Pid())
	if !pidAlive(bg) || procStatField(t, bg, 6) != s.Pid() {
		t.Fatalf("background job %d should still run in the old session", bg)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	waitGone(t, bg)
	if n := fdCount(t); n != fds {
		t.Fatalf("fds: %d before, %d after", fds, n)
	}
	goleak.VerifyNone(t, opts)
}

// TestSessionKeepsSysProcAttr: namespace flags the caller set survive, and
// the program still leads its own session with the PTY as its terminal.
func TestSessionKeepsSysProcAttr(t *testing.T) {
	testutil.RequireRoot(t)
	cmd := exec.Command(needProgram(t, "sh"), "-c", `hostname pty-uts-test; hostname; echo "pid=$$"; tty; sleep 1000`)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUTS | syscall.CLONE_NEWPID, Setpgid: true}
	s, err := Start(cmd, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	waitFor(t, s, "tty line", func() bool { return regexp.MustCompile(`(?m)^/dev/pts/\d+$`).MatchString(s.Text()) })
	if !hasLine(s, "pty-uts-test") || !hasLine(s, "pid=1") {
		t.Fatalf("want hostname set in the new uts namespace and pid 1 in the new pid namespace:\n%s", s.Text())
	}
	ours, _ := os.Readlink("/proc/self/ns/uts")
	theirs, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/uts", s.Pid()))
	if err != nil || theirs == ours {
		t.Fatalf("child uts ns %q (err %v), ours %q: want a new one", theirs, err, ours)
	}
	if h, _ := os.Hostname(); h == "pty-uts-test" {
		t.Fatal("the test changed the host's hostname")
	}
	if sid := procStatField(t, s.Pid(), 6); sid != s.Pid() {
		t.Fatalf("session id %d, want the child's pid %d (Setsid)", sid, s.Pid())
	}
	// The tty's foreground group is the child's (host pid; sleep runs in
	// the same group since sh -c has no job control).
	if tpgid := procStatField(t, s.Pid(), 8); tpgid != s.Pid() {
		t.Fatalf("tty foreground group %d, want %d (Setctty)", tpgid, s.Pid())
	}
	pid := s.Pid()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	waitGone(t, pid)
}

// TestSessionChangedCoalesced: a burst of output leaves at most one notice
// pending, and a notice follows new output.
func TestSessionChangedCoalesced(t *testing.T) {
	s := startBash(t, Options{})
	typeLine(t, s, "seq 1 3000; echo burst-done")
	waitFor(t, s, "burst", func() bool { return hasLine(s, "burst-done") })
	if n := len(s.Changed()); n > 1 {
		t.Fatalf("%d notices pending", n)
	}
	// Drain, then new output must post one.
	select {
	case <-s.Changed():
	default:
	}
	typeLine(t, s, "echo one-more")
	select {
	case <-s.Changed():
	case <-time.After(waitDeadline):
		t.Fatal("no change notice after output")
	}
	var rows []int
	waitFor(t, s, "one-more", func() bool { return hasLine(s, "one-more") })
	rows = s.ChangedRows(rows)
	if len(rows) == 0 {
		t.Fatal("ChangedRows empty after output")
	}
	if again := s.ChangedRows(nil); len(again) != 0 {
		t.Fatalf("ChangedRows not consumed: %v", again)
	}
}

// TestSessionQueryFloodNeverBlocks: a program that asks for the cursor
// position thousands of times and never reads the answers fills the PTY's
// input; replies are then dropped, and neither the emulator nor the screen
// stalls (x/vt's reply pipe would block its Write if nobody drained it).
func TestSessionQueryFloodNeverBlocks(t *testing.T) {
	cmd := exec.Command(needProgram(t, "sh"), "-c", `stty -echo; i=0; while [ $i -lt 5000 ]; do printf '\033[6n'; i=$((i+1)); done; echo flood-done; exec sleep 1000`)
	var dropped atomic.Int64
	s, err := Start(cmd, Options{Logf: func(string, ...any) { dropped.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	waitFor(t, s, "output after the flood", func() bool { return hasLine(s, "flood-done") })
	if err := s.Resize(30, 90); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d replies dropped", dropped.Load())
}

// TestSessionChangedPaced: notices come at most once per FrameInterval
// however much output arrives (the bound holds on any machine: a slow one
// only sees fewer notices).
func TestSessionChangedPaced(t *testing.T) {
	const frame = 100 * time.Millisecond
	cmd := exec.Command(needProgram(t, "sh"), "-c", `i=0; while [ $i -lt 40 ]; do echo tick-$i; sleep 0.02; i=$((i+1)); done; echo paced-done; exec sleep 1000`)
	start := time.Now()
	s, err := Start(cmd, Options{FrameInterval: frame})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	notices := 0
	for !hasLine(s, "paced-done") {
		select {
		case <-s.Changed():
			notices++
		case <-time.After(waitDeadline):
			t.Fatalf("no notice; screen:\n%s", s.Text())
		}
	}
	elapsed := time.Since(start)
	if limit := int(elapsed/frame) + 1; notices > limit {
		t.Fatalf("%d notices in %v, want at most %d (one per %v)", notices, elapsed, limit, frame)
	}
	t.Logf("%d notices in %v for 41 writes", notices, elapsed)
}
