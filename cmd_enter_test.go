package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/nstui/nstui/internal/testutil"
	"github.com/nstui/nstui/nsops"
	"golang.org/x/sys/unix"
)

// enterTarget is a process tree a test started to have namespaces to enter.
type enterTarget struct {
	cmd *exec.Cmd // the outer process (usually unshare)
	pid int       // the process whose namespaces the test enters
}

// startEnterTarget starts argv and returns the first descendant (or argv
// itself) whose command name is comm and whose NSpid chain has depth levels.
// Cleanup kills the whole tree by the pids it found.
func startEnterTarget(t *testing.T, comm string, depth int, argv ...string) *enterTarget {
	t.Helper()
	return startEnterTargetCmd(t, comm, depth, exec.Command(argv[0], argv[1:]...))
}

func startEnterTargetCmd(t *testing.T, comm string, depth int, cmd *exec.Cmd) *enterTarget {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", cmd.Args, err)
	}
	tg := &enterTarget{cmd: cmd}
	t.Cleanup(func() {
		pids := testutil.Descendants(cmd.Process.Pid)
		cmd.Process.Kill()
		for _, p := range pids {
			syscall.Kill(p, syscall.SIGKILL)
		}
		cmd.Wait()
	})
	// Polling here only waits for the setup to finish; nothing is timed.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, p := range append([]int{cmd.Process.Pid}, testutil.Descendants(cmd.Process.Pid)...) {
			if procComm(p) == comm && len(nspid(p)) == depth {
				tg.pid = p
				return tg
			}
		}
	}
	t.Fatalf("%v: no %q process with %d pid levels appeared; stderr: %s", cmd.Args, comm, depth, stderr.String())
	return nil
}

func procComm(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return strings.TrimSpace(string(b))
}

// nspid returns the NSpid line of /proc/PID/status: the pid in each pid
// namespace, outermost first.
func nspid(pid int) []string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "NSpid:"); ok {
			return strings.Fields(v)
		}
	}
	return nil
}

// runEnter runs the built nstui with args and returns stdout, stderr and the
// exit status.
func runEnter(t *testing.T, prefix []string, args ...string) (string, string, int) {
	t.Helper()
	argv := append(append([]string{}, prefix...), nstuiBinary)
	argv = append(argv, args...)
	return runStatus(t, argv...)
}

func runStatus(t *testing.T, argv ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return stdout.String(), stderr.String(), 0
	case errors.As(err, &ee):
		ws := ee.Sys().(syscall.WaitStatus)
		if ws.Signaled() {
			return stdout.String(), stderr.String(), 128 + int(ws.Signal())
		}
		return stdout.String(), stderr.String(), ws.ExitStatus()
	}
	t.Fatalf("run %v: %v", argv, err)
	return "", "", 0
}

func readlink(t *testing.T, path string) string {
	t.Helper()
	s, err := os.Readlink(path)
	if err != nil {
		t.Fatalf("readlink: %v", err)
	}
	return s
}

func nsTypeNames() []string {
	var out []string
	for _, ty := range nsops.AllTypes() {
		out = append(out, ty.String())
	}
	return out
}

// everyTypeTarget starts a process in a fresh namespace of every type.
func everyTypeTarget(t *testing.T) *enterTarget {
	return startEnterTarget(t, "sleep", 2, "unshare", "--kill-child", "--user", "--map-root-user",
		"--pid", "--fork", "--mount", "--mount-proc", "--uts", "--ipc", "--net", "--cgroup", "--time", "sleep", "1000")
}

func TestEnterAllTypesMatchTarget(t *testing.T) {
	testutil.RequireRoot(t)
	tg := everyTypeTarget(t)
	for _, ty := range nsTypeNames() {
		want := readlink(t, fmt.Sprintf("/proc/%d/ns/%s", tg.pid, ty))
		if mine := readlink(t, "/proc/self/ns/"+ty); mine == want {
			t.Fatalf("setup: the target shares our %s namespace", ty)
		}
		out, errOut, code := runEnter(t, nil, "enter", "-t", strconv.Itoa(tg.pid), "--all", "--", "readlink", "/proc/self/ns/"+ty)
		if code != 0 || strings.TrimSpace(out) != want {
			t.Errorf("%s: got %q (exit %d, stderr %q), want %q", ty, out, code, errOut, want)
		}
	}
	// The pid the command sees is the inner one: inside, /proc is the
	// target's (it mounted its own), pid 1 is the target and $$ matches the
	// shell's own NSpid there, one level deep.
	out, errOut, code := runEnter(t, nil, "enter", "-t", strconv.Itoa(tg.pid), "--",
		"sh", "-c", `echo $$; grep NSpid /proc/$$/status; cat /proc/1/comm`)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || strings.Fields(lines[1])[1] != lines[0] || len(strings.Fields(lines[1])) != 2 || lines[2] != "sleep" {
		t.Fatalf("inside the pid namespace: got %q, want $$, NSpid: $$ (one level) and pid 1 = sleep", out)
	}
	if n, _ := strconv.Atoi(lines[0]); n <= 1 || n > 100 {
		t.Fatalf("pid inside = %s, want a small pid of the inner namespace", lines[0])
	}
}

func TestEnterCredentialsAsNsenter(t *testing.T) {
	testutil.RequireRoot(t)
	all := everyTypeTarget(t)
	// A user namespace made by an unprivileged user: it denies setgroups.
	unpriv := startEnterTarget(t, "sleep", 2, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
		"unshare", "--kill-child", "--user", "--map-root-user", "--pid", "--fork", "--uts", "--net", "--ipc", "sleep", "1000")
	if owner := readlink(t, fmt.Sprintf("/proc/%d/ns/user", unpriv.pid)); owner == readlink(t, "/proc/self/ns/user") {
		t.Fatal("setup: no new user namespace")
	}
	idCmd := []string{"sh", "-c", "id -u; id -g; id -G"}
	for _, tg := range []*enterTarget{all, unpriv} {
		pid := strconv.Itoa(tg.pid)
		for _, opts := range [][]string{{"--all"}, {"--all", "--preserve-credentials"}, {"--all", "-S", "0", "-G", "0"}, {"-n", "-u"}} {
			want, wantErr, wantCode := runStatus(t, append(append(append([]string{"nsenter", "-t", pid}, opts...), "--"), idCmd...)...)
			got, gotErr, gotCode := runEnter(t, nil, append(append(append([]string{"enter", "-t", pid}, opts...), "--"), idCmd...)...)
			if got != want || gotCode != wantCode {
				t.Errorf("pid %s %v: nstui gives %q (exit %d, %q), nsenter %q (exit %d, %q)", pid, opts, got, gotCode, gotErr, want, wantCode, wantErr)
			}
		}
		// And every namespace of the target, as for the first target.
		for _, ty := range nsTypeNames() {
			want := readlink(t, fmt.Sprintf("/proc/%d/ns/%s", tg.pid, ty))
			out, errOut, code := runEnter(t, nil, "enter", "-t", pid, "--all", "--", "readlink", "/proc/self/ns/"+ty)
			if code != 0 || strings.TrimSpace(out) != want {
				t.Errorf("pid %s %s: got %q (exit %d, %q), want %q", pid, ty, out, code, errOut, want)
			}
		}
	}
}

func TestEnterNestedPidNamespace(t *testing.T) {
	testutil.RequireRoot(t)
	tg := startEnterTarget(t, "sleep", 3, "unshare", "--kill-child", "--pid", "--fork", "--mount-proc",
		"unshare", "--kill-child", "--pid", "--fork", "--mount-proc", "sleep", "1000")
	levels := nspid(tg.pid)
	out, errOut, code := runEnter(t, nil, "enter", "-t", strconv.Itoa(tg.pid), "--all", "--",
		"sh", "-c", `readlink /proc/self/ns/pid; grep NSpid /proc/$$/status; cat /proc/1/comm`)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := readlink(t, fmt.Sprintf("/proc/%d/ns/pid", tg.pid))
	if len(lines) != 3 || lines[0] != want || len(strings.Fields(lines[1])) != 2 || lines[2] != "sleep" {
		t.Fatalf("got %q; want pid ns %s, one NSpid level in the innermost /proc, pid 1 = sleep (target NSpid %v)", out, want, levels)
	}
}

func TestEnterRootAndWd(t *testing.T) {
	testutil.RequireRoot(t)
	dir := t.TempDir()
	// The target chroots into a bind mount of / with a tmpfs on /mnt that
	// only its mount namespace has, and works in that /mnt.
	script := `set -e; mkdir -p "$D/r"; mount --rbind / "$D/r"; mount -t tmpfs none "$D/r/mnt"
echo only-in-target > "$D/r/mnt/hello"; exec chroot "$D/r" sh -c 'cd /mnt && exec sleep 1000'`
	cmd := exec.Command("unshare", "--kill-child", "--mount", "--propagation", "private", "--fork", "sh", "-c", script)
	cmd.Env = append(os.Environ(), "D="+dir)
	tg := startEnterTargetCmd(t, "sleep", 1, cmd)
	pid := strconv.Itoa(tg.pid)
	if _, err := os.Stat("/mnt/hello"); err == nil {
		t.Fatal("setup: /mnt/hello exists in our namespace")
	}
	for _, c := range []struct {
		opts []string
		argv []string
		want string
	}{
		{[]string{"-m", "-r", "-w"}, []string{"sh", "-c", "pwd; cat hello"}, "/mnt\nonly-in-target\n"},
		{[]string{"-m", "-r"}, []string{"cat", "/mnt/hello"}, "only-in-target\n"},
		{[]string{"-m", "--wd"}, []string{"cat", "hello"}, "only-in-target\n"},
		{[]string{"-m", "--wd=" + dir}, []string{"pwd"}, dir + "\n"},
	} {
		got, gotErr, code := runEnter(t, nil, append(append(append([]string{"enter", "-t", pid}, c.opts...), "--"), c.argv...)...)
		want, _, _ := runStatus(t, append(append(append([]string{"nsenter", "-t", pid}, c.opts...), "--"), c.argv...)...)
		if code != 0 || got != c.want || got != want {
			t.Errorf("%v: got %q (exit %d, %q), want %q (nsenter: %q)", c.opts, got, code, gotErr, c.want, want)
		}
	}
}

func TestEnterNamespaceFiles(t *testing.T) {
	testutil.RequireRoot(t)
	name := fmt.Sprintf("nstui-test-%d", os.Getpid())
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	path := "/run/netns/" + name
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("net:[%d]\n", st.Ino)
	for _, args := range [][]string{{"-t", path}, {"--net=" + path}, {"-t", fmt.Sprintf("net:%d", st.Ino)}} {
		args = append([]string{"enter"}, args...)
		out, errOut, code := runEnter(t, nil, append(args, "--", "readlink", "/proc/self/ns/net")...)
		if code != 0 || out != want {
			t.Errorf("%v: got %q (exit %d, %q), want %q", args, out, code, errOut, want)
		}
	}

	// A network namespace held only by an open fd of another process.
	maker := startEnterTarget(t, "sleep", 1, "unshare", "--net", "sleep", "1000")
	f, err := os.Open(fmt.Sprintf("/proc/%d/ns/net", maker.pid))
	if err != nil {
		t.Fatal(err)
	}
	holder := exec.Command("sleep", "1000")
	holder.ExtraFiles = []*os.File{f}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.Process.Kill(); holder.Wait() })
	f.Close()
	maker.cmd.Process.Kill()
	maker.cmd.Wait()
	fdPath := fmt.Sprintf("/proc/%d/fd/3", holder.Process.Pid)
	want = readlink(t, fdPath) + "\n"
	ref := strings.NewReplacer("[", "", "]", "").Replace(strings.TrimSpace(want)) // net:INODE
	for _, target := range []string{fdPath, ref} {
		out, errOut, code := runEnter(t, nil, "enter", "-t", target, "--", "readlink", "/proc/self/ns/net")
		if code != 0 || out != want {
			t.Errorf("fd-held netns via %s: got %q (exit %d, %q), want %q", target, out, code, errOut, want)
		}
	}
}

func TestEnterDiscoveredHiddenUserNamespace(t *testing.T) {
	testutil.RequireRoot(t)
	// The outer user namespace has no process, fd or mount: only its child
	// user namespace (where sleep runs) keeps it, so discovery finds it
	// through the hierarchy and enter reaches it with NS_GET_PARENT.
	tg := startEnterTarget(t, "sleep", 1, "unshare", "--user", "--map-root-user",
		"unshare", "--user", "--map-root-user", "sleep", "1000")
	f, err := os.Open(fmt.Sprintf("/proc/%d/ns/user", tg.pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pfd, err := unix.IoctlRetInt(int(f.Fd()), unix.NS_GET_PARENT)
	if err != nil {
		t.Fatalf("ioctl(NS_GET_PARENT): %v", err)
	}
	var st unix.Stat_t
	err = unix.Fstat(pfd, &st)
	unix.Close(pfd)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("user:[%d]\n", st.Ino)
	out, errOut, code := runEnter(t, nil, "enter", "-t", fmt.Sprintf("user:%d", st.Ino), "--", "readlink", "/proc/self/ns/user")
	if code != 0 || out != want {
		t.Fatalf("hidden parent user ns: got %q (exit %d, %q), want %q", out, code, errOut, want)
	}
	// A namespace that does not exist is one clear line.
	_, errOut, code = runEnter(t, nil, "enter", "-t", "net:1", "--", "true")
	if code == 0 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "not found") {
		t.Fatalf("net:1: exit %d, %q", code, errOut)
	}
}

// socketHeldNetNS makes a network namespace only a TCP socket of this test
// process holds, listening on a port the kernel picks: a locked thread
// unshares it, opens the socket there and goes back (Go moves no goroutine
// across threads while one is locked). Closing the socket, at the latest
// when the test ends, frees the namespace. It returns the socket, the
// namespace's inode and the port.
func socketHeldNetNS(t *testing.T) (*os.File, uint64, int) {
	t.Helper()
	type made struct {
		fd   int
		ino  uint64
		port int
		err  error
	}
	ch := make(chan made, 1)
	go func() {
		runtime.LockOSThread()
		m := made{fd: -1}
		defer func() { ch <- m }()
		self := fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid())
		orig, err := os.Open(self)
		if err != nil {
			m.err = err
			return
		}
		defer orig.Close()
		if m.err = unix.Unshare(unix.CLONE_NEWNET); m.err != nil {
			return // the thread stays locked and dies with the goroutine
		}
		var st unix.Stat_t
		if m.err = unix.Stat(self, &st); m.err == nil {
			m.ino = st.Ino
			m.fd, m.err = unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		}
		if m.err == nil {
			m.err = unix.Bind(m.fd, &unix.SockaddrInet4{})
		}
		if m.err == nil {
			m.err = unix.Listen(m.fd, 1)
		}
		if m.err == nil {
			var sa unix.Sockaddr
			if sa, m.err = unix.Getsockname(m.fd); m.err == nil {
				m.port = sa.(*unix.SockaddrInet4).Port
			}
		}
		if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
			m.err = errors.Join(m.err, fmt.Errorf("setns back: %w", err))
			return
		}
		runtime.UnlockOSThread() // back home: the thread may serve others
	}()
	m := <-ch
	var f *os.File
	if m.fd >= 0 {
		f = os.NewFile(uintptr(m.fd), "socket")
		t.Cleanup(func() { f.Close() }) // a no-op when the test closed it
	}
	if m.err != nil {
		t.Fatalf("netns held by a socket: %v", m.err)
	}
	return f, m.ino, m.port
}

// TestEnterSocketHeldNetNS enters a network namespace that no process is in
// and no file names: only a socket holds it (pidfd_getfd + SIOCGSKNS reach
// it). nsenter cannot, so --print-equivalent fails with one line.
func TestEnterSocketHeldNetNS(t *testing.T) {
	testutil.RequireRoot(t)
	sock, ino, port := socketHeldNetNS(t)
	ref := fmt.Sprintf("net:%d", ino)
	want := fmt.Sprintf("net:[%d]\n", ino)
	out, errOut, code := runEnter(t, nil, "enter", "-t", ref, "--", "readlink", "/proc/self/ns/net")
	if code != 0 || out != want {
		t.Fatalf("enter -t %s: got %q (exit %d, %q), want %q", ref, out, code, errOut, want)
	}
	// The socket listens in there.
	listening := fmt.Sprintf("0.0.0.0:%d ", port)
	out, errOut, code = runEnter(t, nil, "enter", "-t", ref, "--", "ss", "-Htln")
	if code != 0 || !strings.Contains(out, listening) {
		t.Errorf("ss -tln inside: %q (exit %d, %q), want a listener on %s", out, code, errOut, listening)
	}

	out, errOut, code = runEnter(t, nil, "enter", "-t", ref, "--print-equivalent", "--", "ss", "-tln")
	holder := fmt.Sprintf("net namespace %d is held only by a socket (fd %d of pid %d)", ino, sock.Fd(), os.Getpid())
	if code != nsops.EnterExitSetup || out != "" || strings.Count(errOut, "\n") != 1 ||
		!strings.Contains(errOut, holder) || !strings.Contains(errOut, "nsenter cannot reach it") {
		t.Errorf("--print-equivalent: exit %d, stdout %q, stderr %q; want %d and one line: %s: nsenter cannot reach it",
			code, out, errOut, nsops.EnterExitSetup, holder)
	}

	// With the socket closed the namespace is gone, and enter says so.
	sock.Close()
	_, errOut, code = runEnter(t, nil, "enter", "-t", ref, "--", "true")
	if code != nsops.EnterExitSetup || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "not found") {
		t.Errorf("after the socket closed: exit %d, %q; want %d and one line with \"not found\"", code, errOut, nsops.EnterExitSetup)
	}
}

// noProcessWith fails t when a process's command line contains marker.
func noProcessWith(t *testing.T, marker string) {
	t.Helper()
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(b, []byte(marker)) && e.Name() != strconv.Itoa(os.Getpid()) {
			t.Errorf("process %s left behind: %q", e.Name(), bytes.ReplaceAll(b, []byte{0}, []byte{' '}))
		}
	}
}

func TestEnterBadInput(t *testing.T) {
	testutil.RequireRoot(t)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	tg := everyTypeTarget(t)
	marker := fmt.Sprintf("nstui-enter-test-%d", os.Getpid())
	cases := []struct {
		name   string
		prefix []string
		args   []string
		want   string // in the one line on stderr
	}{
		{"dead pid", nil, []string{"-t", strconv.Itoa(dead.Process.Pid)}, "ESRCH"},
		{"pid 0", nil, []string{"-t", "0"}, "invalid target pid 0"},
		{"negative pid", nil, []string{"-t", "-5"}, "invalid target pid -5"},
		{"not a number", nil, []string{"-t", "12ab"}, "invalid target"},
		{"no target", nil, []string{"--all"}, "no target"},
		{"not a namespace file", nil, []string{"-t", "/etc/passwd"}, "ENOTTY"},
		{"no such namespace file", nil, []string{"-t", "1", "--net=/no/such/" + marker}, "no such file: want /proc/PID/ns/TYPE"},
		{"unknown option", nil, []string{"--bogus", "-t", "1"}, "unknown flag: --bogus"},
		{"unprivileged", []string{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"},
			[]string{"-t", strconv.Itoa(tg.pid)}, "run as root"},
		{"no such command", nil, []string{"-t", strconv.Itoa(tg.pid), "--", "/no/such/" + marker}, "ENOENT"},
		{"not executable", nil, []string{"-t", strconv.Itoa(tg.pid), "--", "/etc/passwd", marker}, "EACCES (Permission denied): not executable there"},
		{"bare and file of one type", nil, []string{"-t", strconv.Itoa(tg.pid), "-n", "--net=/proc/" + strconv.Itoa(tg.pid) + "/ns/net"}, "--net given twice, as -n (the target's) and as --net=/proc/"},
		{"no such --wd", nil, []string{"-t", strconv.Itoa(tg.pid), "-u", "--wd=/no/such/" + marker}, "--wd /no/such/" + marker + ": ENOENT (no such file or directory): it is opened here"},
		{"--root not a directory", nil, []string{"-t", strconv.Itoa(tg.pid), "-u", "--root=/etc/passwd"}, "--root /etc/passwd: ENOTDIR (not a directory): it is opened here"},
		// The option and the bad value only, not a uid/gid pair.
		{"uid past uid_t", nil, []string{"-t", strconv.Itoa(tg.pid), "-U", "-S", "4294967296"},
			"nstui: -S/--setuid 4294967296: want a number from 0 to 4294967294 (or -1 to leave it)"},
		{"gid past uid_t", nil, []string{"-t", strconv.Itoa(tg.pid), "-U", "-G", "4294967296"},
			"nstui: -G/--setgid 4294967296: want a number from 0 to 4294967294 (or -1 to leave it)"},
		{"negative uid", nil, []string{"-t", strconv.Itoa(tg.pid), "-U", "--setuid=-2"},
			"nstui: -S/--setuid -2: want a number from 0 to 4294967294 (or -1 to leave it)"},
	}
	for _, c := range cases {
		args := append([]string{"enter"}, c.args...)
		if !strings.Contains(strings.Join(args, " "), " -- ") {
			args = append(args, "--", "sh", "-c", "sleep 100", marker)
		}
		out, errOut, code := runEnter(t, c.prefix, args...)
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		// 125 is "enter failed" (help text), 127 a command not found, as
		// for env or chroot.
		want := nsops.EnterExitSetup
		switch c.name {
		case "no such command":
			want = 127
		case "not executable":
			want = 126
		}
		if code != want || len(lines) != 1 || !strings.Contains(errOut, c.want) || strings.Contains(errOut, "panic") || out != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want %d and one line with %q", c.name, code, out, errOut, want, c.want)
		}
		noProcessWith(t, marker)
	}
}

// TestEnterOneNamespaceTarget: a namespace-file or TYPE:INODE target is one
// namespace. A type option for another type, without a file of its own, has
// nothing to enter (so has --all, every namespace of a process): the run and
// --print-equivalent refuse it with the same one line, status 125, instead of
// dropping it. Another type with a file of its own, or the target's own type,
// works, and the line --print-equivalent prints does the same under nsenter.
func TestEnterOneNamespaceTarget(t *testing.T) {
	testutil.RequireRoot(t)
	tg := startEnterTarget(t, "sleep", 1, "unshare", "--net", "--mount", "sleep", "1000")
	name := fmt.Sprintf("nstui-test-one-%d", os.Getpid())
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	file := "/run/netns/" + name
	procNet := fmt.Sprintf("/proc/%d/ns/net", tg.pid)
	procMnt := fmt.Sprintf("/proc/%d/ns/mnt", tg.pid)
	ref := strings.NewReplacer("[", "", "]", "").Replace(readlink(t, procNet)) // net:INODE, held by tg
	readNS := []string{"readlink", "/proc/self/ns/net", "/proc/self/ns/mnt"}
	inside := func(net, mnt string) string {
		return readlink(t, net) + "\n" + readlink(t, mnt) + "\n"
	}
	var st syscall.Stat_t
	if err := syscall.Stat(file, &st); err != nil {
		t.Fatal(err)
	}
	fileNet := fmt.Sprintf("net:[%d]\n", st.Ino)
	ourMnt := readlink(t, "/proc/self/ns/mnt") + "\n"
	if readlink(t, procMnt) == strings.TrimSpace(ourMnt) {
		t.Fatal("setup: the target shares our mount namespace")
	}

	refused := []struct {
		args []string
		want string // the whole line on stderr
	}{
		{[]string{"-t", ref, "-m"}, "nstui: --mount has nothing to enter: " + ref + " is a net namespace (give --mount=FILE, or -t PID for a process's)"},
		{[]string{"-t", ref, "-n", "-m"}, "nstui: --mount has nothing to enter: " + ref + " is a net namespace (give --mount=FILE, or -t PID for a process's)"},
		{[]string{"-t", file, "-m"}, "nstui: --mount has nothing to enter: " + file + " is a net namespace (give --mount=FILE, or -t PID for a process's)"},
		{[]string{"-t", file, "-n", "-u"}, "nstui: --uts has nothing to enter: " + file + " is a net namespace (give --uts=FILE, or -t PID for a process's)"},
		{[]string{"--net=" + file, "-m"}, "nstui: --mount has nothing to enter: give --mount=FILE, or a target pid (-t PID)"},
		{[]string{"-t", ref, "--all"}, "nstui: --all enters every namespace of a process: it needs a target pid (-t PID)"},
		{[]string{"-t", file, "-a"}, "nstui: --all enters every namespace of a process: it needs a target pid (-t PID)"},
		{[]string{"-t", ref, "--net=" + file}, "nstui: --net=" + file + " and " + ref + " are two net namespaces: give one"},
		{[]string{"-t", file, "--net=" + procNet}, "nstui: --net=" + procNet + " and " + file + " are two net namespaces: give one"},
	}
	for _, c := range refused {
		for _, print := range []bool{false, true} {
			args := append([]string{"enter"}, c.args...)
			if print {
				args = append(args, "--print-equivalent")
			}
			out, errOut, code := runEnter(t, nil, append(args, "--", "true")...)
			if code != nsops.EnterExitSetup || out != "" || errOut != c.want+"\n" {
				t.Errorf("%v: exit %d, stdout %q, stderr %q; want %d and the one line:\n%s", args, code, out, errOut, nsops.EnterExitSetup, c.want)
			}
		}
	}

	works := []struct {
		args []string
		want string // readlink of net and mnt inside
	}{
		{[]string{"-t", ref}, inside(procNet, "/proc/self/ns/mnt")},
		{[]string{"-t", ref, "-n"}, inside(procNet, "/proc/self/ns/mnt")},
		{[]string{"-t", ref, "--mount=" + procMnt}, inside(procNet, procMnt)},
		{[]string{"-t", file, "-n"}, fileNet + ourMnt},
		{[]string{"-t", file, "--mount=" + procMnt}, fileNet + readlink(t, procMnt) + "\n"},
		{[]string{"--net=" + file, "--mount=" + procMnt}, fileNet + readlink(t, procMnt) + "\n"},
	}
	for _, c := range works {
		args := append([]string{"enter"}, c.args...)
		out, errOut, code := runEnter(t, nil, append(append(args, "--"), readNS...)...)
		if code != 0 || out != c.want {
			t.Errorf("%v: got %q (exit %d, %q), want %q", args, out, code, errOut, c.want)
		}
		line, errOut, code := runEnter(t, nil, append(args, "--print-equivalent", "--")...)
		argv := strings.Fields(line)
		if code != 0 || len(argv) < 2 || argv[0] != "nsenter" {
			t.Errorf("%v --print-equivalent: %q (exit %d, %q), want an nsenter line", args, line, code, errOut)
			continue
		}
		out, errOut, code = runStatus(t, append(append(argv, "--"), readNS...)...)
		if code != 0 || out != c.want {
			t.Errorf("%v: its line %q gives %q under nsenter (exit %d, %q), want %q", args, strings.TrimSpace(line), out, code, errOut, c.want)
		}
	}
}

// userNSIno returns the inode of pid's user namespace, as the helper names it.
func userNSIno(t *testing.T, pid int) string {
	t.Helper()
	link := readlink(t, fmt.Sprintf("/proc/%d/ns/user", pid))
	return strings.TrimSuffix(strings.TrimPrefix(link, "user:["), "]")
}

// TestEnterCredentialErrors checks the line a refused setuid/setgid/setgroups
// prints: the id and the user namespace that does not map it (with what its
// map holds), or the capability that is missing; never the setns hint.
func TestEnterCredentialErrors(t *testing.T) {
	testutil.RequireRoot(t)
	rootOnly := startEnterTarget(t, "sleep", 1, "unshare", "--user", "--map-root-user", "sleep", "1000")
	unmapped := startEnterTarget(t, "sleep", 1, "unshare", "--user", "sleep", "1000") // no uid_map or gid_map yet
	all := everyTypeTarget(t)
	nobodyNS := startEnterTarget(t, "sleep", 1, asNobody("unshare", "--user", "sleep", "1000")...)
	bin := nobodyBinary(t)
	ns := func(tg *enterTarget) string { return "user namespace " + userNSIno(t, tg.pid) }
	initNS := "user namespace " + userNSIno(t, os.Getpid())
	pid := func(tg *enterTarget) string { return strconv.Itoa(tg.pid) }
	cases := []struct {
		name string
		argv []string // before "--"
		want string   // the whole line on stderr
	}{
		{"unmapped uid", []string{bin, "enter", "-t", pid(rootOnly), "-U", "-S", "1000"},
			"nstui: enter: setuid(1000): EINVAL (Invalid argument): uid 1000 is not mapped in " + ns(rootOnly) +
				" (its uid_map maps only 0): pick a mapped id with -S"},
		{"unmapped gid", []string{bin, "enter", "-t", pid(rootOnly), "-U", "-G", "1000"},
			"nstui: enter: setgid(1000): EINVAL (Invalid argument): gid 1000 is not mapped in " + ns(rootOnly) +
				" (its gid_map maps only 0): pick a mapped id with -G"},
		// After a pid namespace: the check runs in the forked child.
		{"unmapped uid, pid namespace", []string{bin, "enter", "-t", pid(all), "--all", "-S", "1000"},
			"nstui: enter: setuid(1000): EINVAL (Invalid argument): uid 1000 is not mapped in " + ns(all) +
				" (its uid_map maps only 0): pick a mapped id with -S"},
		// Its mount namespace without its pid namespace, chrooted: /proc
		// there is the target's, where we have no /proc/self.
		{"unmapped gid, mount namespace", []string{bin, "enter", "-t", pid(all), "-U", "-m", "-r", "-G", "1000"},
			"nstui: enter: setgid(1000): EINVAL (Invalid argument): gid 1000 is not mapped in " + ns(all) +
				" (its gid_map maps only 0): pick a mapped id with -G"},
		{"empty map", []string{bin, "enter", "-t", pid(unmapped), "-U"},
			"nstui: enter: setgid(0): EINVAL (Invalid argument): gid 0 is not mapped in " + ns(unmapped) +
				" (its gid_map is empty: nothing is mapped yet): leave ids alone with --preserve-credentials and no -S/-G"},
		{"no CAP_SETUID", []string{"setpriv", "--bounding-set=-setuid,-setgid", bin, "enter", "-t", pid(all), "-n", "-S", "1000"},
			"nstui: enter: setuid(1000): EPERM (Operation not permitted): need CAP_SETUID in " + initNS +
				": run as root, or join the target's user namespace too (-U)"},
		{"no CAP_SETGID", []string{"setpriv", "--bounding-set=-setuid,-setgid", bin, "enter", "-t", pid(all), "-n", "-G", "1000"},
			"nstui: enter: setgid(1000): EPERM (Operation not permitted): need CAP_SETGID in " + initNS +
				": run as root, or join the target's user namespace too (-U)"},
		{"setgroups before gid_map", asNobody(bin, "enter", "-t", pid(nobodyNS), "-U"),
			"nstui: enter: setgroups: EPERM (Operation not permitted): " + ns(nobodyNS) +
				" has no gid_map yet, and dropping the supplementary groups needs one: keep them with --preserve-credentials"},
	}
	for _, c := range cases {
		out, errOut, code := runStatus(t, append(c.argv, "--", "true")...)
		if code != nsops.EnterExitSetup || errOut != c.want+"\n" || out != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr:\n%s\nwant exit %d and the one line:\n%s", c.name, code, out, errOut, nsops.EnterExitSetup, c.want)
		}
	}
}

func TestEnterTargetExitsBeforeEntry(t *testing.T) {
	testutil.RequireRoot(t)
	tg := everyTypeTarget(t)
	marker := fmt.Sprintf("nstui-enter-gone-%d", os.Getpid())
	spec := nsops.NewEnterSpec(tg.pid)
	spec.Exe = nstuiBinary
	spec.Args = []string{"sh", "-c", "sleep 100", marker}
	cmd, err := spec.Command() // the target is looked up and opened here
	if err != nil {
		t.Fatal(err)
	}
	syscall.Kill(tg.pid, syscall.SIGKILL)
	tg.cmd.Wait() // unshare exits after its child: the target is gone
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != nsops.EnterExitSetup {
		t.Fatalf("want exit %d, got %v", nsops.EnterExitSetup, err)
	}
	if s := stderr.String(); strings.Count(s, "\n") != 1 || !strings.Contains(s, "ESRCH") || !strings.Contains(s, "target exited") {
		t.Fatalf("want one line naming ESRCH and 'target exited', got %q", s)
	}
	noProcessWith(t, marker)
}

func TestEnterExitStatus(t *testing.T) {
	testutil.RequireRoot(t)
	withPid := everyTypeTarget(t)
	netOnly := startEnterTarget(t, "sleep", 1, "unshare", "--kill-child", "--net", "--fork", "sleep", "1000")
	for _, tg := range []*enterTarget{withPid, netOnly} { // forked helper, and exec without fork
		pid := strconv.Itoa(tg.pid)
		for _, c := range []struct {
			script string
			want   int
		}{{"exit 0", 0}, {"exit 7", 7}, {"exit 200", 200}, {"kill -TERM $$", 128 + 15}, {"kill -KILL $$", 128 + 9}} {
			_, errOut, code := runEnter(t, nil, "enter", "-t", pid, "--", "sh", "-c", c.script)
			if code != c.want {
				t.Errorf("target %s, %q: exit %d (%q), want %d", pid, c.script, code, errOut, c.want)
			}
		}
	}
}

func TestEnterHidesHelperState(t *testing.T) {
	testutil.RequireRoot(t)
	cmd := exec.Command("unshare", "--kill-child", "--net", "--uts", "--fork", "sleep", "1000")
	cmd.Env = append(os.Environ(), "NSTUI_TEST_FROM_TARGET=yes")
	tg := startEnterTargetCmd(t, "sleep", 1, cmd)
	pid := strconv.Itoa(tg.pid)
	// Neither our variable nor our descriptors reach the command.
	out, errOut, code := runEnter(t, nil, "enter", "-t", pid, "--", "sh", "-c", "env; ls /proc/self/fd")
	wantOut, _, _ := runStatus(t, "nsenter", "-t", pid, "-a", "--", "sh", "-c", "env; ls /proc/self/fd")
	if code != 0 || strings.Contains(out, nsops.EnterEnv) {
		t.Fatalf("exit %d (%s); output mentions %s:\n%s", code, errOut, nsops.EnterEnv, out)
	}
	fds := func(s string) string { // the ls part: lines that are numbers
		var n []string
		for _, l := range strings.Split(s, "\n") {
			if _, err := strconv.Atoi(l); err == nil {
				n = append(n, l)
			}
		}
		return strings.Join(n, " ")
	}
	if fds(out) != fds(wantOut) {
		t.Fatalf("fds in the command: %q, nsenter gives %q", fds(out), fds(wantOut))
	}
	// --env takes the target's environment instead of ours.
	out, errOut, code = runEnter(t, nil, "enter", "-t", pid, "--env", "--", "sh", "-c", "echo ${NSTUI_TEST_FROM_TARGET:-unset}")
	if code != 0 || out != "yes\n" {
		t.Fatalf("--env: %q (exit %d, %q), want yes", out, code, errOut)
	}
	out, _, _ = runEnter(t, nil, "enter", "-t", pid, "--", "sh", "-c", "echo ${NSTUI_TEST_FROM_TARGET:-unset}")
	if out != "unset\n" {
		t.Fatalf("without --env: %q, want unset", out)
	}
}

// TestEnterOnPTY starts the helper the way the TUI does: Command() on a new
// PTY (creack/pty makes it a session leader with the PTY as its terminal). The
// shell inside has job control, ctrl-c reaches its job, and its exit status
// comes back.
func TestEnterOnPTY(t *testing.T) {
	testutil.RequireRoot(t)
	tg := everyTypeTarget(t)
	spec := nsops.NewEnterSpec(tg.pid)
	spec.Exe = nstuiBinary
	spec.Args = []string{"sh", "-i"}
	cmd, err := spec.Command()
	if err != nil {
		t.Fatal(err)
	}
	ptmx, err := pty.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	for _, f := range cmd.ExtraFiles {
		f.Close() // the helper has them now
	}
	out := make(chan string, 1)
	go func() {
		var all bytes.Buffer
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			all.Write(buf[:n])
			if err != nil {
				out <- all.String()
				return
			}
		}
	}()
	// The shell reads each line when it is ready; the PTY buffers the rest.
	io := "case $- in *m*) echo JOB''CONTROL;; esac; readlink /proc/self/ns/user\nsleep 100\n"
	if _, err := ptmx.Write([]byte(io)); err != nil {
		t.Fatal(err)
	}
	// ctrl-c once the job runs (found by polling /proc; nothing is timed).
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		running := false
		for _, p := range testutil.Descendants(cmd.Process.Pid) {
			running = running || procComm(p) == "sleep"
		}
		if running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the shell never started sleep")
		}
	}
	ptmx.Write([]byte("\x03"))
	ptmx.Write([]byte("echo after-$?\nexit 3\n"))
	werr := cmd.Wait()
	text := <-out
	var ee *exec.ExitError
	if !errors.As(werr, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("exit: %v, want status 3; output:\n%s", werr, text)
	}
	want := readlink(t, fmt.Sprintf("/proc/%d/ns/user", tg.pid))
	for _, s := range []string{"JOBCONTROL", want, "after-130"} {
		if !strings.Contains(text, s) {
			t.Errorf("PTY output lacks %q:\n%s", s, text)
		}
	}
}

// TestEnterUnprivilegedOwnNamespaces: a normal user enters the namespaces of
// its own user-namespace sandbox (the helper joins the user namespace and the
// rest with one setns; namespaces it already shares are skipped, and the
// sandbox's "setgroups deny" is respected). nsenter --all fails here, on the
// cgroup namespace both already share.
func TestEnterUnprivilegedOwnNamespaces(t *testing.T) {
	testutil.RequireRoot(t)
	bin := nobodyBinary(t)
	nobody := asNobody()
	tg := startEnterTarget(t, "sleep", 2, append(nobody, "unshare", "--kill-child", "--user", "--map-root-user",
		"--pid", "--fork", "--net", "--uts", "--ipc", "--mount", "--mount-proc", "sleep", "1000")...)
	pid := strconv.Itoa(tg.pid)
	var script strings.Builder
	var want strings.Builder
	for _, ty := range nsTypeNames() {
		fmt.Fprintf(&script, "readlink /proc/self/ns/%s; ", ty)
		want.WriteString(readlink(t, fmt.Sprintf("/proc/%d/ns/%s", tg.pid, ty)) + "\n")
	}
	script.WriteString("id -u")
	want.WriteString("0\n")
	out, errOut, code := runStatus(t, append(nobody, bin, "enter", "-t", pid, "--", "sh", "-c", script.String())...)
	if code != 0 || out != want.String() {
		t.Fatalf("as nobody: exit %d, %q\ngot:\n%s\nwant:\n%s", code, errOut, out, want.String())
	}
}
