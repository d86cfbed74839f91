package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nstui/nstui/internal/testutil"
)

// The explorer end to end: the built binary in a tmux window of its own
// server, driven with send-keys and read with capture-pane, on namespaces
// this test creates (a sandbox with its own uts, pid and mount namespaces
// and a named network namespace).

// tuiTmux is one private tmux server running nstui.
type tuiTmux struct {
	t    *testing.T
	sock string // socket path (tmux -S)
}

func (x *tuiTmux) run(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-S", x.sock}, args...)...).CombinedOutput()
	return string(out), err
}

func (x *tuiTmux) screen() string {
	out, err := x.run("capture-pane", "-p", "-t", "tui")
	if err != nil {
		return "capture-pane: " + err.Error() + ": " + out
	}
	return out
}

// keys sends tmux key names one at a time, pausing so a lone Escape is not
// read as the start of an alt+key sequence.
func (x *tuiTmux) keys(keys ...string) {
	x.t.Helper()
	for _, k := range keys {
		if out, err := x.run("send-keys", "-t", "tui", k); err != nil {
			x.t.Fatalf("send-keys %q: %v: %s", k, err, out)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// typeText sends literal text.
func (x *tuiTmux) typeText(s string) {
	x.t.Helper()
	if out, err := x.run("send-keys", "-t", "tui", "-l", s); err != nil {
		x.t.Fatalf("send-keys -l %q: %v: %s", s, err, out)
	}
	time.Sleep(150 * time.Millisecond)
}

// wait polls the screen until every want is on it.
func (x *tuiTmux) wait(what string, want ...string) string {
	x.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var scr string
	for time.Now().Before(deadline) {
		scr = x.screen()
		ok := true
		for _, w := range want {
			if !strings.Contains(scr, w) {
				ok = false
				break
			}
		}
		if ok {
			return scr
		}
		time.Sleep(100 * time.Millisecond)
	}
	x.t.Fatalf("%s: screen never showed %q; last screen:\n%s", what, want, scr)
	return ""
}

// lineWith returns the first screen line containing every part.
func lineWith(scr string, parts ...string) string {
	for _, l := range strings.Split(scr, "\n") {
		ok := true
		for _, p := range parts {
			if !strings.Contains(l, p) {
				ok = false
				break
			}
		}
		if ok {
			return l
		}
	}
	return ""
}

func randomSuffix(t *testing.T) string {
	b := make([]byte, 3)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// startSandbox starts `unshare --uts --pid --mount-proc` with the hostname
// box-<suffix> and returns the pid of the sleep inside (PID 1 there) and a
// function that kills it. The hostname is passed as $0 so that no command
// line on the machine contains it: only the uts namespace has it.
func startSandbox(t *testing.T, suffix string) (int, func()) {
	t.Helper()
	cmd := exec.Command("unshare", "--uts", "--pid", "--fork", "--mount-proc", "--kill-child",
		"sh", "-c", `hostname "box-$0" && exec sleep 300`, suffix)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	stop := func() {
		// --kill-child makes the kernel SIGKILL the sandbox's init when
		// unshare dies; the init's death ends its pid namespace.
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	// The child of unshare is the sandbox's PID 1; once it runs sleep the
	// hostname is set.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", cmd.Process.Pid, cmd.Process.Pid))
		if f := strings.Fields(string(b)); len(f) > 0 {
			pid, _ := strconv.Atoi(f[0])
			if comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); strings.TrimSpace(string(comm)) == "sleep" {
				return pid, stop
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	t.Fatal("sandbox did not start sleep within 10s")
	return 0, nil
}

func nsInode(t *testing.T, pid int, typ string) string {
	t.Helper()
	link, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, typ))
	if err != nil {
		t.Fatalf("readlink ns: %v", err)
	}
	// "uts:[4026532302]"
	return strings.TrimSuffix(link[strings.Index(link, "[")+1:], "]")
}

func TestTUIE2EExplorer(t *testing.T) {
	testutil.RequireRoot(t)
	for _, tool := range []string{"tmux", "unshare", "ip"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	suffix := randomSuffix(t)
	host := "box-" + suffix
	netns := "nstui-e2e-" + suffix

	sleepPid, stopSandbox := startSandbox(t, suffix)
	sandboxStopped := false
	t.Cleanup(func() {
		if !sandboxStopped {
			stopSandbox()
		}
	})
	utsIno, pidIno, mntIno := nsInode(t, sleepPid, "uts"), nsInode(t, sleepPid, "pid"), nsInode(t, sleepPid, "mnt")
	netIno := nsInode(t, sleepPid, "net")

	if out, err := exec.Command("ip", "netns", "add", netns).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "delete", netns).CombinedOutput(); err != nil {
			t.Errorf("ip netns delete %s: %v: %s", netns, err, out)
		}
	})

	// A socket of our own in a temp dir (removed with it). Its path must not
	// contain the names searched for: the tmux server's command line would
	// match them.
	x := &tuiTmux{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	if out, err := x.run("-f", "/dev/null", "new-session", "-d", "-s", "tui", "-x", "120", "-y", "36",
		"env", "TERM=xterm-256color", nstuiBinary); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { _, _ = x.run("kill-server") })
	pidOut, err := x.run("display-message", "-p", "-t", "tui", "#{pane_pid}")
	if err != nil {
		t.Fatalf("tmux display-message: %v: %s", err, pidOut)
	}
	nstuiPid, _ := strconv.Atoi(strings.TrimSpace(pidOut))

	scr := x.wait("first frame", "Namespaces", " ns: cgroup")
	if lines := strings.Split(strings.TrimRight(scr, "\n"), "\n"); len(lines) != 36 {
		t.Errorf("first frame has %d lines, want the 36 of the window", len(lines))
	}

	// The sandbox's hostname is only in its uts namespace; the filter finds
	// it there, by hostname.
	x.keys("/")
	x.typeText(host)
	scr = x.wait("hostname filter", "filter: "+host)
	scr = x.wait("hostname filter row", utsIno+" uts")
	row := lineWith(scr, utsIno+" uts ")
	if !strings.Contains(row, host) || !strings.Contains(row, "unshare") {
		t.Fatalf("uts row lacks the hostname or the command of its lowest member: %q\n%s", row, scr)
	}
	if !strings.Contains(scr, "Namespaces · by type · 1 · filter: "+host) {
		t.Fatalf("hostname filter should keep exactly one row:\n%s", scr)
	}

	// Keep the filter: the selection shows the details read from inside the
	// namespace, the member tree (unshare itself is in the new uts namespace,
	// its child is PID 1 of the new pid namespace) and the explain text.
	x.keys("Enter")
	scr = x.wait("uts details", "uts namespace "+utsIno, "hostname    "+host, "MEMBERS (2)", "CLONE_NEWUTS")
	member := lineWith(scr, strconv.Itoa(sleepPid), "sleep 300")
	if f := strings.Fields(strings.Trim(member, "│ ")); len(f) < 2 || f[0] != strconv.Itoa(sleepPid) || f[1] != "1" {
		t.Fatalf("member row should show pid %d and pid inside 1: %q\n%s", sleepPid, member, scr)
	}
	if !strings.Contains(member, "└─ sleep 300") {
		t.Fatalf("sleep should hang under unshare in the member tree: %q", member)
	}
	// Open the panel (cursor on the first member, unshare), go down to the
	// sleep and open it.
	x.keys("Enter", "Down", "Enter")
	scr = x.wait("process view", fmt.Sprintf("Process %d", sleepPid), "NAMESPACES")
	for typ, ino := range map[string]string{"uts": utsIno, "pid": pidIno, "mnt": mntIno} {
		if l := lineWith(scr, fmt.Sprintf(" %-7s %s", typ, ino)); !strings.Contains(l, "own") {
			t.Errorf("process view: %s %s should be marked own: %q", typ, ino, l)
		}
	}
	if l := lineWith(scr, fmt.Sprintf(" %-7s %s", "net", netIno)); !strings.Contains(l, "shared with PID") {
		t.Errorf("process view: net %s should be shared: %q\n%s", netIno, l, scr)
	}

	// Back to the list; find the named network namespace.
	x.keys("Escape", "Escape", "Escape")
	x.keys("/", "C-u")
	x.typeText(netns)
	x.keys("Enter")
	scr = x.wait("netns row", "filter: "+netns, netns, "bind mount /run/netns/"+netns)
	if row := lineWith(scr, netns, " net "); row == "" {
		t.Fatalf("no net row named %s:\n%s", netns, scr)
	}
	// A new network namespace has only lo, and it is down (read over
	// netlink from inside it).
	x.wait("netns details", "IFACE", "lo    down", "read via    /run/netns/"+netns, "this one    nsenter --net=/run/netns/")

	// Live refresh: the sandbox ends and its namespaces are marked gone,
	// then leave the list.
	x.keys("/", "C-u")
	x.typeText(host)
	x.keys("Enter")
	x.wait("sandbox row again", utsIno+" uts")
	stopSandbox()
	sandboxStopped = true
	// The row is marked gone for a moment, then dropped. (When another
	// namespace takes over the freed inode within the same refresh, the
	// kernel's reuse ends the mark early: only the drop is certain.)
	// A generous deadline: refreshes come every 1.5 s, but a loaded
	// machine (or a farm of namespaces) stretches each scan.
	deadline := time.Now().Add(60 * time.Second)
	sawMark := false
	for time.Now().Before(deadline) {
		scr = x.screen()
		if strings.Contains(scr, "- "+utsIno) && strings.Contains(scr, "(gone)") {
			sawMark = true
		}
		if strings.Contains(scr, "no namespace matches the filter") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(scr, "no namespace matches the filter") {
		t.Fatalf("the vanished sandbox is still listed:\n%s", scr)
	}
	t.Logf("vanished mark seen before the row left: %v", sawMark)

	// q quits and nstui exits.
	x.keys("q")
	deadline = time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", nstuiPid)); os.IsNotExist(err) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("nstui (pid %d) still running 5s after q", nstuiPid)
}

func TestTUIE2ESmallWindowAndNoColor(t *testing.T) {
	testutil.RequireRoot(t)
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	x := &tuiTmux{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	// A window below 80x24 first: the notice, not a broken layout.
	if out, err := x.run("-f", "/dev/null", "new-session", "-d", "-s", "tui", "-x", "60", "-y", "16",
		"env", "TERM=xterm-256color", "NO_COLOR=1", nstuiBinary); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { _, _ = x.run("kill-server") })
	x.wait("too-small notice", "terminal too small: 60x16", "at least 80x24")

	// Grow it: the explorer lays itself out in the new size.
	if out, err := x.run("resize-window", "-t", "tui", "-x", "100", "-y", "30"); err != nil {
		t.Fatalf("tmux resize-window: %v: %s", err, out)
	}
	scr := x.wait("explorer after resize", "Namespaces", " ns: cgroup")
	lines := strings.Split(strings.TrimRight(scr, "\n"), "\n")
	if len(lines) != 30 {
		t.Errorf("frame has %d lines after the resize, want 30", len(lines))
	}

	// NO_COLOR: no colour in any escape sequence on the screen (bold,
	// reverse and the like stay so the selection is visible).
	out, err := x.run("capture-pane", "-p", "-e", "-t", "tui")
	if err != nil {
		t.Fatalf("capture-pane -e: %v: %s", err, out)
	}
	for _, seq := range strings.Split(out, "\x1b[")[1:] {
		end := strings.IndexByte(seq, 'm')
		if end < 0 {
			continue
		}
		for _, p := range strings.Split(seq[:end], ";") {
			if n, err := strconv.Atoi(p); err == nil && (n >= 30 && n <= 49 || n >= 90 && n <= 107) && n != 39 && n != 49 {
				t.Fatalf("NO_COLOR screen carries colour SGR %q", "\x1b["+seq[:end]+"m")
			}
		}
	}
	if !strings.Contains(out, "\x1b[7m") && !strings.Contains(out, ";7m") && !strings.Contains(out, ";7;") {
		t.Errorf("no reverse video on the NO_COLOR screen: the selection is invisible")
	}
	x.keys("q")
}
