package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nstui/nstui/internal/testutil"
)

// panesTmux drives the built nstui in a detached tmux server on its own
// socket, as a person at a 120x36 terminal would.
type panesTmux struct {
	t    *testing.T
	sock string
}

// newPanesTmux starts nstui (with extra arguments) in a new tmux server
// whose only window is w x h. The server is killed at the end of the test
// (only ours: it has its own -L socket).
func newPanesTmux(t *testing.T, w, h int, env []string, args ...string) *panesTmux {
	t.Helper()
	testutil.RequireRoot(t)
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	tm := &panesTmux{t: t, sock: "nstui-panes-" + hex.EncodeToString(b)}
	// A quick shell with no rc files, so prompts show at once.
	cmdline := "exec env SHELL=/bin/sh ENV= TERM=xterm-256color " + strings.Join(env, " ") + " " + nstuiBinary
	for _, a := range args {
		cmdline += " " + a
	}
	if out, err := exec.Command("tmux", "-L", tm.sock, "-f", "/dev/null", "new-session", "-d",
		"-x", strconv.Itoa(w), "-y", strconv.Itoa(h), "-s", "t", cmdline).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	sockPath, _ := exec.Command("tmux", "-L", tm.sock, "display-message", "-p", "#{socket_path}").Output()
	t.Cleanup(func() {
		_ = exec.Command("tmux", "-L", tm.sock, "kill-server").Run()
		if p := strings.TrimSpace(string(sockPath)); strings.Contains(p, tm.sock) {
			_ = os.Remove(p) // kill-server leaves the socket file behind
		}
	})
	return tm
}

func (tm *panesTmux) run(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", tm.sock}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// keys sends tmux key names (Enter, C-], Down...).
func (tm *panesTmux) keys(keys ...string) {
	tm.run(append([]string{"send-keys", "-t", "t"}, keys...)...)
}

// typeLine types text literally, then Enter.
func (tm *panesTmux) typeLine(text string) {
	tm.run("send-keys", "-t", "t", "-l", text)
	tm.keys("Enter")
}

func (tm *panesTmux) screen() string { return tm.run("capture-pane", "-p", "-t", "t") }

// waitFor polls the screen until ok accepts it (30 s at most: scans of a
// big, busy machine are slow) and returns it.
func (tm *panesTmux) waitFor(what string, ok func(string) bool) string {
	tm.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var s string
	for time.Now().Before(deadline) {
		s = tm.screen()
		if ok(s) {
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	tm.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
	return ""
}

func (tm *panesTmux) waitText(texts ...string) string {
	tm.t.Helper()
	return tm.waitFor(strings.Join(texts, " + "), func(s string) bool {
		for _, x := range texts {
			if !strings.Contains(s, x) {
				return false
			}
		}
		return true
	})
}

// pid is the pid of nstui (the tmux pane's process, which exec'd it).
func (tm *panesTmux) pid() int {
	tm.t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(tm.run("display-message", "-p", "-t", "t", "#{pane_pid}")))
	if err != nil {
		tm.t.Fatalf("pane pid: %v", err)
	}
	return n
}

// panesAlive returns the pids that still exist (zombies count as gone:
// they have ended and only wait for their reaper).
func panesAlive(pids []int) []int {
	var out []int
	for _, p := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p))
		if err != nil {
			continue
		}
		s := string(b)
		if i := strings.LastIndexByte(s, ')'); i >= 0 && strings.HasPrefix(s[i+1:], " Z") {
			continue
		}
		out = append(out, p)
	}
	return out
}

// panesWaitGone polls until none of pids is alive and returns how long it took.
func panesWaitGone(t *testing.T, pids []int) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < 10*time.Second {
		if len(panesAlive(pids)) == 0 {
			return time.Since(start)
		}
		time.Sleep(10 * time.Millisecond)
	}
	left := panesAlive(pids)
	for _, p := range left {
		_ = syscall.Kill(p, syscall.SIGKILL)
	}
	t.Fatalf("processes nstui started are still running: %v", left)
	return 0
}

// panesStartSandbox starts `unshare --net --uts --fork sleep 300` and returns the
// pid of the sleep (in the new namespaces); it is killed at the end.
func panesStartSandbox(t *testing.T) int {
	t.Helper()
	cmd := testutil.Start(t, exec.Command("unshare", "--net", "--uts", "--fork", "--kill-child", "sleep", "300"))
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if kids := testutil.Descendants(cmd.Process.Pid); len(kids) > 0 {
			if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", kids[0])); err == nil && strings.TrimSpace(string(b)) == "sleep" {
				return kids[0]
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the sandbox's sleep did not start")
	return 0
}

// panesFrame finds the frame of the pane whose title starts with title and
// returns its inner size in cells.
func panesFrame(screen, title string) (rows, cols int, ok bool) {
	lines := strings.Split(screen, "\n")
	for i, l := range lines {
		r := []rune(l)
		idx := strings.Index(l, "╭─ "+title)
		if idx < 0 {
			continue
		}
		x0 := len([]rune(l[:idx]))
		x1 := -1
		for j := x0 + 1; j < len(r); j++ {
			if r[j] == '╮' {
				x1 = j
				break
			}
		}
		if x1 < 0 {
			return 0, 0, false
		}
		for k := i + 1; k < len(lines); k++ {
			rk := []rune(lines[k])
			if x0 < len(rk) && rk[x0] == '╰' {
				return k - i - 1, x1 - x0 - 1, true
			}
		}
	}
	return 0, 0, false
}

func TestPanesE2EWorkshop(t *testing.T) {
	tm := newPanesTmux(t, 120, 36, nil)
	tm.waitText("Namespaces", "COMMAND")
	nstui := tm.pid()

	// Spawn: the form shows the unshare line for the defaults.
	tm.keys("s")
	tm.waitText("Equivalent command", "unshare --ipc --mount --net --pid --uts --fork")
	for range 8 {
		tm.keys("Down") // to the hostname field
	}
	tm.keys("C-u")
	tm.run("send-keys", "-t", "t", "-l", "e2ebox")
	tm.waitText("hostname e2ebox")
	tm.keys("Enter")
	tm.waitText("spawn pid,mnt,uts,ipc,net e2ebox", "# ")
	tm.typeLine(`hostname; echo pid=$$; echo procs=$(ls /proc | grep -c '^[0-9]'); echo END-$((6*7))`)
	s := tm.waitText("END-42")
	if !strings.Contains(s, "\ne2ebox") && !regexp.MustCompile(`│e2ebox\s`).MatchString(s) {
		t.Fatalf("the pane does not show the hostname set in the form:\n%s", s)
	}
	m := regexp.MustCompile(`pid=(\d+)`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no pid in the pane:\n%s", s)
	}
	if n, _ := strconv.Atoi(m[1]); n < 2 || n > 64 {
		// 1 is nstui's init; its runtime threads take a few ids first.
		t.Fatalf("the shell's pid inside its pid namespace is %d, want a small number above 1", n)
	}
	pm := regexp.MustCompile(`procs=(\d+)`).FindStringSubmatch(s)
	if pm == nil {
		t.Fatalf("no /proc count in the pane:\n%s", s)
	}
	if n, _ := strconv.Atoi(pm[1]); n > 10 {
		t.Fatalf("ls /proc in the pane lists %d processes: /proc is not the new pid namespace's", n)
	}
	// What the kernel says: nstui's child is our init, its child the shell,
	// in a uts namespace whose hostname is e2ebox.
	kids := testutil.Descendants(nstui)
	var shellPid int
	for _, k := range kids {
		if b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", k)); strings.TrimSpace(string(b)) == "sh" {
			shellPid = k
		}
	}
	if shellPid == 0 {
		t.Fatalf("no sh among nstui's descendants %v", kids)
	}
	// The pid the shell printed is its pid in the innermost pid namespace.
	if st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", shellPid)); err == nil {
		nspid := regexp.MustCompile(`(?m)^NSpid:\s+(.*)$`).FindStringSubmatch(string(st))
		if f := strings.Fields(nspid[1]); len(f) < 2 || f[len(f)-1] != m[1] {
			t.Fatalf("NSpid of the shell = %q, the pane printed pid=%s", nspid[1], m[1])
		}
	}
	own, _ := os.Readlink("/proc/self/ns/uts")
	theirs, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/uts", shellPid))
	if own == theirs || theirs == "" {
		t.Fatalf("the spawned shell shares our uts namespace (%s)", theirs)
	}
	if out, err := exec.Command("nsenter", "-t", strconv.Itoa(shellPid), "-u", "hostname").Output(); err != nil || strings.TrimSpace(string(out)) != "e2ebox" {
		t.Fatalf("hostname in the shell's uts namespace = %q (%v), want e2ebox", out, err)
	}

	// Back to the explorer: the pane's namespaces are marked as ours.
	tm.keys("C-]")
	tm.waitText("s spawn shell")
	tm.keys("/")
	tm.run("send-keys", "-t", "t", "-l", fmt.Sprintf("uts %d", shellPid))
	tm.waitText("1 match")
	tm.keys("Enter")
	tm.waitFor("the ours marker", func(s string) bool { return strings.Contains(s, "│● ") })
	// ESC and a key right after it read as alt+key: wait for the filter
	// to be gone before typing on.
	tm.keys("Escape")
	tm.waitFor("the filter to clear", func(s string) bool { return !strings.Contains(s, "filter: uts") })

	// Enter a sandbox the test made: select its net namespace with the
	// filter (type + member pid), press e, start.
	sleeper := panesStartSandbox(t)
	tm.keys("r")
	tm.keys("/")
	tm.run("send-keys", "-t", "t", "-l", fmt.Sprintf("net %d", sleeper))
	tm.waitText("1 match")
	tm.keys("Enter")
	tm.keys("e")
	tm.waitText("nsenter --net=/proc/")
	tm.keys("Enter")
	tm.waitFor("the enter pane", func(s string) bool {
		return strings.Contains(s, "╭─ 2 enter ") && strings.Contains(s, "# ")
	})
	tm.typeLine("readlink /proc/self/ns/net; echo END-$((6*7))")
	want, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", sleeper))
	if err != nil {
		t.Fatal(err)
	}
	tm.waitText(want)

	// A paste (tmux pastes bracketed, as nstui asked its terminal to)
	// reaches the program in the pane as typed text.
	tm.run("set-buffer", "-b", "panes", "echo pasted-$((6*7))")
	tm.run("paste-buffer", "-p", "-b", "panes", "-t", "t")
	tm.keys("Enter")
	tm.waitText("pasted-42")

	// The mouse wheel over the pane scrolls its history, with a marker.
	// (An SGR mouse report typed into nstui's terminal is what a real
	// wheel sends.)
	tm.typeLine("seq 1 100")
	tm.waitText("│100 ")
	wheel := func(button int) { tm.run("send-keys", "-t", "t", "-l", fmt.Sprintf("\x1b[<%d;91;16M", button)) }
	wheel(64)
	wheel(64)
	tm.waitText("scrolled back 6")
	wheel(65)
	wheel(65)
	tm.waitFor("the live screen", func(s string) bool { return !strings.Contains(s, "scrolled back") })

	// vim in the pane: alternate screen, type, write, quit.
	dir := t.TempDir()
	file := filepath.Join(dir, "note.txt")
	tm.typeLine("clear; vim -u NONE -N -i NONE " + file)
	tm.waitFor("vim's screen", func(s string) bool { return strings.Count(s, "\n~") >= 5 || strings.Count(s, "│~") >= 5 })
	tm.run("send-keys", "-t", "t", "-l", "ihello from a pane")
	tm.keys("Escape")
	tm.waitText("hello from a pane")
	tm.run("send-keys", "-t", "t", "-l", ":wq")
	tm.keys("Enter")
	tm.waitText("# ")
	if b, err := os.ReadFile(file); err != nil || strings.TrimSpace(string(b)) != "hello from a pane" {
		t.Fatalf("vim wrote %q (%v)", b, err)
	}

	// Resize the window: the pane follows, and the program sees it.
	tm.run("resize-window", "-t", "t", "-x", "100", "-y", "30")
	tm.typeLine("clear; stty size")
	s = tm.waitFor("stty output", func(s string) bool {
		return regexp.MustCompile(`(?m)│(\d+) (\d+)\s*│`).MatchString(s) && len(strings.Split(strings.TrimRight(s, "\n"), "\n")) <= 30
	})
	sm := regexp.MustCompile(`(?m)│(\d+) (\d+)\s*│`).FindStringSubmatch(s)
	rows, cols, ok := panesFrame(s, "2 enter ")
	if !ok {
		t.Fatalf("no frame for pane 2:\n%s", s)
	}
	if sm[1] != strconv.Itoa(rows) || sm[2] != strconv.Itoa(cols) {
		t.Fatalf("stty size in the pane = %s %s, the pane shows %d rows x %d cols:\n%s", sm[1], sm[2], rows, cols, s)
	}

	// Leave the pane, quit (it asks: shells are alive), nothing is left.
	tm.keys("C-]")
	tm.waitText("s spawn shell")
	started := testutil.Descendants(nstui)
	if len(started) < 3 {
		t.Fatalf("expected at least init, shell and the entered shell under nstui, got %v", started)
	}
	tm.keys("q")
	tm.waitText("still running", "Quit nstui")
	tm.keys("y")
	took := panesWaitGone(t, append(started, nstui))
	t.Logf("quit: nstui and its %d processes gone after %v", len(started), took)
}

// TestPanesE2ESignals checks SIGTERM and SIGHUP to nstui end every process
// it started.
func TestPanesE2ESignals(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			tm := newPanesTmux(t, 120, 36, nil)
			tm.waitText("Namespaces", "COMMAND")
			nstui := tm.pid()
			tm.keys("s")
			tm.waitText("Equivalent command")
			tm.keys("Enter")
			tm.waitText("spawn pid,mnt,uts,ipc,net", "# ")
			// A background job in another process group, which the
			// shell's hang-up alone would not end.
			tm.typeLine("sleep 300 & echo started-$((6*7))")
			tm.waitText("started-42")
			started := testutil.Descendants(nstui)
			if len(started) < 3 {
				t.Fatalf("expected init, shell and sleep under nstui, got %v", started)
			}
			if err := syscall.Kill(nstui, sig); err != nil {
				t.Fatal(err)
			}
			took := panesWaitGone(t, append(started, nstui))
			t.Logf("%v: nstui and its %d processes gone after %v", sig, len(started), took)
		})
	}
}

// TestPanesE2EPrefixKey checks the prefix key can be changed by flag and
// environment, is shown in the status bar, and that bad names are refused
// with one line.
func TestPanesE2EPrefixKey(t *testing.T) {
	// The flag wins over the environment.
	tm := newPanesTmux(t, 120, 36, []string{"NSTUI_PREFIX_KEY=ctrl+a"}, "--prefix-key", "f12")
	tm.waitText("Namespaces", "COMMAND")
	tm.keys("s")
	tm.waitText("Equivalent command")
	tm.keys("Enter")
	tm.waitText("spawn pid", "# ", "pane 1 · keys go to the program", "f12 explorer/pane")
	tm.keys("C-]", "C-u") // not the prefix here: goes to the shell (then the tty's kill-line)
	tm.typeLine("echo still-$((6*7))")
	tm.waitText("still-42", "pane 1 · keys go to the program")
	tm.keys("F12")
	tm.waitText("s spawn shell")

	tm2 := newPanesTmux(t, 120, 36, []string{"NSTUI_PREFIX_KEY=ctrl+a"})
	tm2.waitText("Namespaces", "COMMAND")
	tm2.keys("s")
	tm2.waitText("Equivalent command")
	tm2.keys("Enter")
	tm2.waitText("spawn pid", "# ", "ctrl+a explorer/pane")
	tm2.keys("C-a")
	tm2.waitText("s spawn shell")

	for _, bad := range []string{"a", "ctrl+", "hyperctrl+x", "ctrl+nosuchkey"} {
		out, err := exec.Command(nstuiBinary, "--prefix-key", bad).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() == 0 {
			t.Fatalf("--prefix-key %q: exit %v, want a failure", bad, err)
		}
		if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "prefix-key") {
			t.Fatalf("--prefix-key %q: want one line naming the option, got %q", bad, out)
		}
	}
}

// TestPanesE2EEnterAsUser enters, as a normal user, the network namespace
// of a rootless sandbox: the kernel wants CAP_SYS_ADMIN in the user
// namespace owning it, so the form joins that user namespace too.
func TestPanesE2EEnterAsUser(t *testing.T) {
	testutil.RequireRoot(t)
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("setpriv not installed")
	}
	bin := nobodyBinary(t)
	nobody := asNobody()

	// The rootless sandbox: a user namespace owning a network namespace.
	cmd := testutil.Start(t, exec.Command(nobody[0], append(nobody[1:], "unshare", "--user", "--map-root-user", "--net", "sleep", "300")...))
	sleeper := cmd.Process.Pid // setpriv and unshare exec: the pid is the sleep's
	want := ""
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", sleeper)); strings.TrimSpace(string(b)) == "sleep" {
			want, _ = os.Readlink(fmt.Sprintf("/proc/%d/ns/net", sleeper))
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	own, _ := os.Readlink("/proc/self/ns/net")
	if want == "" || want == own {
		t.Fatalf("the sandbox has no network namespace of its own (%q)", want)
	}

	tm := newPanesTmux(t, 120, 36, nil)
	// Replace the root nstui by one running as nobody.
	tm.run("respawn-pane", "-k", "-t", "t", strings.Join(nobody, " ")+" env SHELL=/bin/sh ENV= HOME=/ TERM=xterm-256color "+bin)
	tm.waitText("Namespaces", "COMMAND")
	tm.keys("/")
	tm.run("send-keys", "-t", "t", "-l", fmt.Sprintf("net %d", sleeper))
	tm.waitText("1 match")
	tm.keys("Enter")
	tm.keys("e")
	tm.waitText("needed: you are not root", "nsenter --net=/proc/", "--user=/proc/")
	tm.keys("Enter")
	tm.waitFor("the enter pane", func(s string) bool {
		return strings.Contains(s, "╭─ 1 enter ") && strings.Contains(s, "# ")
	})
	tm.typeLine("readlink /proc/self/ns/net; id -u; echo END-$((6*7))")
	tm.waitText(want, "END-42")

	// Spawning as a normal user: the form ticks a user namespace by
	// default, and the shell is root inside it, with its own hostname.
	tm.keys("C-]")
	tm.waitText("s spawn shell")
	tm.keys("s")
	tm.waitText("unshare --ipc --mount --net --pid --user --uts", "--map-root-user")
	tm.keys("Enter")
	tm.waitText("─ 2 spawn pid,mnt,uts,ipc,net,user box1 · pid")
	tm.typeLine("echo uid=$(id -u) host=$(hostname) END-$((6*7))")
	tm.waitText("uid=0 host=box1 END-42")
	nstui := tm.pid()
	started := testutil.Descendants(nstui)
	tm.keys("C-]")
	tm.waitText("s spawn shell")
	tm.keys("q")
	tm.waitText("Quit nstui")
	tm.keys("y")
	panesWaitGone(t, append(started, nstui))
}
