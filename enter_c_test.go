package main

// End-to-end tests of the enter helper's C side (nsops/nsenter/nsenter.c),
// run as root against the built binary: the order it joins namespaces in,
// how it ends and follows job control after the fork a pid namespace needs,
// and the hints of its one-line errors.

import (
	"bytes"
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
	"github.com/nstui/nstui/nsops"
	"golang.org/x/sys/unix"
)

// nsLink is /proc/PID/ns/TYPE's link text ("net:[4026531840]").
func nsLink(t *testing.T, pid int, typ string) string {
	t.Helper()
	return readlink(t, fmt.Sprintf("/proc/%d/ns/%s", pid, typ))
}

// TestEnterUserNamespaceLast: with -t PID supplying the user namespace and
// another namespace given as a file, the file is joined before the user
// namespace, as nsenter does: root keeps its rights over a namespace owned by
// the initial user namespace. (The user namespace used to be joined with the
// pid's other namespaces, before any file: setns(net) EPERM, "run as root".)
// A normal user in a sandbox of its own still gets the user namespace before
// what only it grants.
func TestEnterUserNamespaceLast(t *testing.T) {
	testutil.RequireRoot(t)
	tg := everyTypeTarget(t)
	netT := startEnterTarget(t, "sleep", 1, "unshare", "--net", "sleep", "1000")
	mntT := startEnterTarget(t, "sleep", 1, "unshare", "--mount", "sleep", "1000")
	netFile := fmt.Sprintf("/proc/%d/ns/net", netT.pid)
	mntFile := fmt.Sprintf("/proc/%d/ns/mnt", mntT.pid)
	self := os.Getpid()
	pid := strconv.Itoa(tg.pid)
	const script = "readlink /proc/self/ns/user /proc/self/ns/net /proc/self/ns/mnt /proc/self/ns/uts; id -u"
	cases := []struct {
		args                []string
		user, net, mnt, uts int // whose namespace the command must be in
	}{
		{[]string{"-a", "--net=" + netFile}, tg.pid, netT.pid, tg.pid, tg.pid},
		{[]string{"-U", "--net=" + netFile}, tg.pid, netT.pid, self, self},
		{[]string{"-a", "--mount=" + mntFile}, tg.pid, tg.pid, mntT.pid, tg.pid},
		{[]string{"-U", "-u", "--mount=" + mntFile, "--net=" + netFile}, tg.pid, netT.pid, mntT.pid, tg.pid},
	}
	for _, c := range cases {
		want := strings.Join([]string{nsLink(t, c.user, "user"), nsLink(t, c.net, "net"),
			nsLink(t, c.mnt, "mnt"), nsLink(t, c.uts, "uts"), "0"}, "\n") + "\n"
		args := append(append([]string{"-t", pid}, c.args...), "--", "sh", "-c", script)
		out, errOut, code := runEnter(t, nil, append([]string{"enter"}, args...)...)
		if code != 0 || out != want {
			t.Errorf("nstui enter %s: exit %d, stderr %q, got:\n%swant:\n%s", strings.Join(c.args, " "), code, errOut, out, want)
		}
		// The line nsenter 2.38 runs the same way.
		out, errOut, code = runStatus(t, append([]string{"nsenter"}, args...)...)
		if code != 0 || out != want {
			t.Errorf("nsenter %s: exit %d, stderr %q, got:\n%swant:\n%s", strings.Join(c.args, " "), code, errOut, out, want)
		}
	}

	// A normal user: the net namespace file is one its sandbox's user
	// namespace owns, so only joining that first makes it joinable.
	bin := nobodyBinary(t)
	sb := startEnterTarget(t, "sleep", 1, asNobody("unshare", "--kill-child", "--user", "--map-root-user", "--net", "--fork", "sleep", "1000")...)
	want := strings.Join([]string{nsLink(t, sb.pid, "user"), nsLink(t, sb.pid, "net"), nsLink(t, self, "mnt"), nsLink(t, self, "uts"), "0"}, "\n") + "\n"
	out, errOut, code := runStatus(t, asNobody(bin, "enter", "-t", strconv.Itoa(sb.pid), "-U",
		fmt.Sprintf("--net=/proc/%d/ns/net", sb.pid), "--", "sh", "-c", script)...)
	if code != 0 || out != want {
		t.Errorf("as nobody, -U --net=FILE of its own sandbox: exit %d, stderr %q, got:\n%swant:\n%s", code, errOut, out, want)
	}
}

// TestEnterDiesByTheCommandsSignal: after the fork of a pid namespace, a
// command killed by signal N kills nstui with N too, as nsenter and unshare
// do (a shell stops a loop on a SIGINT death, not on exit 130), and that
// second death writes no core file of nstui's own.
func TestEnterDiesByTheCommandsSignal(t *testing.T) {
	testutil.RequireRoot(t)
	tg := everyTypeTarget(t)
	pid := strconv.Itoa(tg.pid)
	for _, args := range [][]string{{"-p"}, {}} { // -p alone, and every namespace (mount included)
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGKILL, syscall.SIGPIPE} {
			cmd := exec.Command(nstuiBinary, append(append([]string{"enter", "-t", pid}, args...),
				"--", "sh", "-c", fmt.Sprintf("kill -%d $$", sig))...)
			out, err := cmd.CombinedOutput()
			ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if !ws.Signaled() || ws.Signal() != sig {
				t.Errorf("enter %v, command killed by %v: %v (%q), want nstui killed by %v", args, sig, err, out, sig)
			}
		}
	}

	// SIGSEGV dumps core: the command does not (ulimit -c 0), and nstui,
	// allowed cores and working in dir (-p joins no mount namespace), must
	// not either.
	dir := t.TempDir()
	pattern, _ := os.ReadFile("/proc/sys/kernel/core_pattern")
	script := fmt.Sprintf(`ulimit -c unlimited && exec "$0" enter -t %s -p -- sh -c 'ulimit -c 0; kill -SEGV $$'`, pid)
	cmd := exec.Command("sh", "-c", script, nstuiBinary)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGSEGV || ws.CoreDump() {
		t.Errorf("command killed by SIGSEGV: %v (%q, core dumped %v), want nstui killed by SIGSEGV without a core", err, out, ws.CoreDump())
	}
	if p := strings.TrimSpace(string(pattern)); strings.HasPrefix(p, "|") || strings.Contains(p, "/") {
		t.Logf("core_pattern %q writes elsewhere than the working directory: only the wait status was checked", p)
	} else if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files left in nstui's working directory (a core of nstui?): %v", ents)
	}
}

// enterSleepers returns the sleep processes among root's descendants.
func enterSleepers(root int) []int {
	var out []int
	for _, p := range testutil.Descendants(root) {
		if procComm(p) == "sleep" {
			out = append(out, p)
		}
	}
	return out
}

// enterWaitForSed waits until a sed process runs below root.
func enterWaitForSed(t *testing.T, root int) {
	t.Helper()
	spawnEventually(t, "sed runs", func() bool {
		for _, p := range testutil.Descendants(root) {
			if procComm(p) == "sed" {
				return true
			}
		}
		return false
	})
}

// TestEnterCtrlCStopsTheCallersLoop: ctrl-c during `nstui enter -p` inside a
// loop stops the loop. A script (no job control) keeps nstui in its own
// process group, so the command must stay in that group too, where the
// terminal's SIGINT reaches the script as well; a job-control shell sees its
// job killed by SIGINT. (The command used to lead a foreground group of its
// own and nstui to exit 130: the script went on with its next round.)
func TestEnterCtrlCStopsTheCallersLoop(t *testing.T) {
	testutil.RequireRoot(t)
	tg := everyTypeTarget(t)
	loop := fmt.Sprintf("for i in 1 2; do %s enter -t %d -p -- sleep 1000; echo next-$i; done; echo EN''D", nstuiBinary, tg.pid)

	t.Run("script", func(t *testing.T) {
		cmd, p := spawnStartPTY(t, []string{"TERM=dumb"}, "bash", "--norc", "--noprofile", "-c", loop)
		t.Cleanup(func() {
			for _, pid := range testutil.Descendants(cmd.Process.Pid) {
				_ = unix.Kill(pid, unix.SIGKILL)
			}
		})
		spawnEventually(t, "the loop runs sleep", func() bool { return len(enterSleepers(cmd.Process.Pid)) == 1 })
		sleepers := enterSleepers(cmd.Process.Pid)
		p.send(t, "\x03")
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		data, deadline := p.data, time.After(30*time.Second)
		for exited := false; !exited; {
			select {
			case <-done:
				exited = true
			case b, ok := <-data:
				if !ok {
					data = nil // the PTY closed: the exit comes next
					break
				}
				p.buf = append(p.buf, b...)
				if strings.Contains(string(p.buf), "next-1") {
					t.Fatalf("the script went on after ctrl-c: %q", p.buf)
				}
			case <-deadline:
				t.Fatalf("the script did not end after ctrl-c: %q", p.buf)
			}
		}
		ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if !ws.Signaled() || ws.Signal() != syscall.SIGINT {
			t.Errorf("script: %v, want killed by SIGINT", cmd.ProcessState)
		}
		spawnEventually(t, "the command is gone", func() bool { return len(panesAlive(sleepers)) == 0 })
	})

	t.Run("interactive", func(t *testing.T) {
		cmd, p := spawnOuterShell(t)
		p.send(t, loop+"\n")
		spawnEventually(t, "the loop runs sleep", func() bool { return len(enterSleepers(cmd.Process.Pid)) == 1 })
		p.send(t, "\x03")
		if before := p.expect(t, "OUTER$ "); strings.Contains(before, "next-1") {
			t.Fatalf("the loop went on after ctrl-c: %q", before)
		}
		p.send(t, "echo after-$((40+2))\n")
		if before := p.expect(t, "after-42"); strings.Contains(before, "next-1") || strings.Contains(before, "END") {
			t.Errorf("the loop went on after ctrl-c: %q", before)
		}
	})
}

// TestEnterCtrlZAfterPidNamespace: ctrl-z on the command of `nstui enter -p`
// stops the job a job-control shell sees and fg resumes it; run from a script,
// the whole script stops and fg resumes all of it; with nobody above to resume
// a stop (nstui leads the PTY's session, as in a TUI pane) the ctrl-z is
// undone at once. (The last two left nstui stopped for good.)
func TestEnterCtrlZAfterPidNamespace(t *testing.T) {
	testutil.RequireRoot(t)
	tg := everyTypeTarget(t)
	sed := fmt.Sprintf("%s enter -t %d -p -- sed -u s/^/got:/", nstuiBinary, tg.pid)
	for _, c := range []struct{ name, line string }{
		{"job", sed},
		{"script", "bash --norc --noprofile -c '" + sed + "; exit $?'"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd, p := spawnOuterShell(t)
			p.send(t, c.line+"\n")
			enterWaitForSed(t, cmd.Process.Pid)
			p.send(t, "one\n")
			p.expect(t, "got:one")
			p.send(t, "\x1a")
			p.expect(t, "Stopped")
			p.expect(t, "OUTER$ ")
			p.send(t, "fg\n")
			p.expect(t, "sed -u")
			p.send(t, "two\n")
			p.expect(t, "got:two")
			p.send(t, "\x04")
			p.expect(t, "OUTER$ ")
			p.send(t, "echo rc=$?\n")
			p.expect(t, "rc=0")
		})
	}
	t.Run("session leader", func(t *testing.T) {
		cmd, p := spawnStartPTY(t, []string{"TERM=dumb"}, nstuiBinary, "enter", "-t", strconv.Itoa(tg.pid), "-p", "--", "sed", "-u", "s/^/got:/")
		enterWaitForSed(t, cmd.Process.Pid)
		p.send(t, "one\n")
		p.expect(t, "got:one")
		p.send(t, "\x1a")
		time.Sleep(300 * time.Millisecond) // for the stop to land before "two" is read
		p.send(t, "two\n")
		p.expect(t, "got:two")
		p.send(t, "\x04")
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("after ctrl-z and ctrl-d: %v, want exit 0", err)
			}
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-done
			t.Errorf("nstui did not exit after ctrl-z and ctrl-d")
		}
	})
}

// TestEnterNoSuchCommandHint: the hint for a command exec could not find says
// where it was looked for: in PATH or as a path, in the entered mount
// namespace, under --root, or in our own file system when neither was
// entered. (It always said "inside the entered mount namespace (looked up in
// PATH there)".)
func TestEnterNoSuchCommandHint(t *testing.T) {
	testutil.RequireRoot(t)
	tg := everyTypeTarget(t)
	dir := t.TempDir()
	noInterp := filepath.Join(dir, "script")
	if err := os.WriteFile(noInterp, []byte("#!/no/such/interpreter\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	const (
		fileHere  = "no such file, or its #! interpreter or loader is missing (no mount namespace was entered: this is our own file system)"
		pathHere  = "no such command in PATH (no mount namespace was entered: this is our own file system)"
		fileMnt   = "no such file inside the entered mount namespace, or its #! interpreter or loader is missing there"
		pathMnt   = "no such command inside the entered mount namespace (looked up in PATH there)"
		fileRoot  = "no such file under --root, or its #! interpreter or loader is missing there"
		pathRoot  = "no such command under --root (looked up in PATH there)"
		notFound  = ": ENOENT (No such file or directory): "
		noSuchCmd = "no-such-command-s4c"
	)
	cases := []struct {
		args []string // after -t PID
		cmd  string
		hint string
	}{
		{[]string{"-u"}, "/no/such/" + noSuchCmd, fileHere},
		{[]string{"-u"}, noInterp, fileHere},
		{[]string{"-u"}, noSuchCmd, pathHere},
		{[]string{"-m"}, "/no/such/" + noSuchCmd, fileMnt},
		{[]string{"-m"}, noSuchCmd, pathMnt},
		{nil, noSuchCmd, pathMnt}, // every namespace of the target
		{[]string{"-u", "--root=/"}, "/no/such/" + noSuchCmd, fileRoot},
		{[]string{"-u", "--root=/"}, noSuchCmd, pathRoot},
	}
	for _, c := range cases {
		args := append(append([]string{"enter", "-t", strconv.Itoa(tg.pid)}, c.args...), "--", c.cmd)
		out, errOut, code := runEnter(t, nil, args...)
		want := "nstui: enter: exec " + c.cmd + notFound + c.hint + "\n"
		if code != 127 || out != "" || errOut != want {
			t.Errorf("%v: exit %d, stderr:\n%swant exit 127 and:\n%s", args[3:], code, errOut, want)
		}
	}
}

// TestEnterEPERMHintForNormalUser: a normal user refused a setns without
// joining a user namespace is told to add -U (its sandbox's user namespace
// grants the rights) besides running as root; with -U it works. Where the
// user namespace is joined already, the fix is root alone.
func TestEnterEPERMHintForNormalUser(t *testing.T) {
	testutil.RequireRoot(t)
	bin := nobodyBinary(t)
	sb := startEnterTarget(t, "sleep", 1, asNobody("unshare", "--kill-child", "--user", "--map-root-user", "--net", "--fork", "sleep", "1000")...)
	pid := strconv.Itoa(sb.pid)
	const eperm = "nstui: enter: setns(net): EPERM (Operation not permitted): need CAP_SYS_ADMIN in the owning user namespace (and ptrace access to the target)"

	out, errOut, code := runStatus(t, asNobody(bin, "enter", "-t", pid, "-n", "--", "true")...)
	if want := eperm + ": join the target's user namespace too (-U), or run as root\n"; code != nsops.EnterExitSetup || out != "" || errOut != want {
		t.Errorf("as nobody, -n without -U: exit %d, stderr:\n%swant exit %d and:\n%s", code, errOut, nsops.EnterExitSetup, want)
	}
	out, errOut, code = runStatus(t, asNobody(bin, "enter", "-t", pid, "-U", "-n", "--", "readlink", "/proc/self/ns/net")...)
	if want := nsLink(t, sb.pid, "net") + "\n"; code != 0 || out != want {
		t.Errorf("as nobody, -U -n: exit %d, %q (stderr %q), want %q", code, out, errOut, want)
	}

	// A net namespace of root's, bind-mounted where nobody can open it: its
	// own user namespace joined, nobody still may not enter it.
	rootNet := startEnterTarget(t, "sleep", 1, "unshare", "--net", "sleep", "1000")
	dir, err := os.MkdirTemp("", "nstui-eperm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "net")
	if err := os.WriteFile(file, nil, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount(fmt.Sprintf("/proc/%d/ns/net", rootNet.pid), file, "", unix.MS_BIND, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = unix.Unmount(file, unix.MNT_DETACH) })
	out, errOut, code = runStatus(t, asNobody(bin, "enter", "-t", pid, "-U", "--net="+file, "--", "true")...)
	if want := eperm + "; run as root\n"; code != nsops.EnterExitSetup || out != "" || errOut != want {
		t.Errorf("as nobody, -U --net=(root's netns): exit %d, stderr:\n%swant exit %d and:\n%s", code, errOut, nsops.EnterExitSetup, want)
	}
}

// TestEnterMissingShellSaysSo: when the default shell ($SHELL) does not
// exist in the entered namespaces, /bin/sh starts instead, and one line
// says so (it was silent).
func TestEnterMissingShellSaysSo(t *testing.T) {
	testutil.RequireRoot(t)
	tg := everyTypeTarget(t)
	cmd := exec.Command("env", "SHELL=/no/such/shell-nstui", nstuiBinary, "enter", "-t", strconv.Itoa(tg.pid), "-u")
	cmd.Stdin = strings.NewReader("echo inside-$((6*7))\n")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("enter: %v (stderr %q)", err, errb.String())
	}
	if out.String() != "inside-42\n" || errb.String() != "nstui: enter: /no/such/shell-nstui not found in the entered namespaces: starting /bin/sh\n" {
		t.Fatalf("stdout %q, stderr %q: want the command's output from /bin/sh and one line saying why", out.String(), errb.String())
	}
}
