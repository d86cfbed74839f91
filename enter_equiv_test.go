package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nstui/nstui/internal/testutil"
	"github.com/nstui/nstui/nsops"
)

// threadTargetScript is a process whose second thread unshares a uts
// namespace, sets the hostname given as its argument there, prints its
// thread id and sleeps: a namespace only a thread (not a thread group
// leader) is in, as nstui ls shows with a thread holder.
const threadTargetScript = `import ctypes, os, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
def worker():
    name = sys.argv[1].encode()
    if libc.unshare(0x04000000) != 0 or libc.sethostname(name, len(name)) != 0:
        print("error:", os.strerror(ctypes.get_errno()), flush=True)
        return
    print(threading.get_native_id(), flush=True)
    time.sleep(1000)
threading.Thread(target=worker, daemon=True).start()
time.sleep(1000)
`

// startThreadTarget starts threadTargetScript and returns the process's pid
// and the id of its thread with the uts namespace of its own.
func startThreadTarget(t *testing.T, hostname string) (pid, tid int) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 makes the thread target:", err)
	}
	cmd := exec.Command("python3", "-c", threadTargetScript, hostname)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	testutil.Start(t, cmd)
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	var s string
	select { // setup only: the thread says when it is ready
	case s = <-line:
	case <-time.After(10 * time.Second):
		t.Fatal("thread target: no thread id after 10s")
	}
	tid, err = strconv.Atoi(s)
	if err != nil {
		t.Fatalf("thread target: %q", s)
	}
	return cmd.Process.Pid, tid
}

// TestEnterThreadID: -t TID with a thread id enters that thread's
// namespaces, as nsenter does (it opens /proc/TID/ns); it used to fail with
// "pidfd_open(TID): ENOENT ... target exited or never existed". The
// --print-equivalent line does the same under nsenter.
func TestEnterThreadID(t *testing.T) {
	testutil.RequireRoot(t)
	const name = "nstui-thread-target"
	pid, tid := startThreadTarget(t, name)
	utsLink := readlink(t, fmt.Sprintf("/proc/%d/task/%d/ns/uts", pid, tid))
	if tid == pid || utsLink == readlink(t, "/proc/self/ns/uts") || readlink(t, fmt.Sprintf("/proc/%d/ns/uts", pid)) == utsLink {
		t.Fatalf("setup: thread %d of %d is not alone in a uts namespace of its own", tid, pid)
	}
	ourHost, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		target string
		opts   []string
		want   string
	}{
		{strconv.Itoa(tid), []string{"-u"}, name + "\n" + utsLink + "\n"},
		{strconv.Itoa(tid), nil, name + "\n" + utsLink + "\n"}, // every namespace that differs: its uts
		{strconv.Itoa(tid), []string{"--all"}, name + "\n" + utsLink + "\n"},
		// The process itself is in ours.
		{strconv.Itoa(pid), []string{"-u"}, ourHost + "\n" + readlink(t, "/proc/self/ns/uts") + "\n"},
	} {
		args := append(append([]string{"enter", "-t", c.target}, c.opts...), "--", "sh", "-c", "hostname; readlink /proc/self/ns/uts")
		out, errOut, code := runEnter(t, nil, args...)
		if code != 0 || out != c.want {
			t.Errorf("%v: %q (exit %d, %q), want %q", args[1:], out, code, errOut, c.want)
		}
	}
	want, _, _ := runStatus(t, "nsenter", "-t", strconv.Itoa(tid), "-u", "--", "hostname")
	if want != name+"\n" {
		t.Fatalf("setup: nsenter -t %d -u gives %q", tid, want)
	}
	line, errOut, code := runEnter(t, nil, "enter", "-t", strconv.Itoa(tid), "--print-equivalent")
	if wantLine := fmt.Sprintf("nsenter --target %d --uts\n", tid); code != 0 || line != wantLine {
		t.Fatalf("--print-equivalent: %q (exit %d, %q), want %q", line, code, errOut, wantLine)
	}
	if out, errOut, code := runStatus(t, append(strings.Fields(line), "--", "hostname")...); code != 0 || out != name+"\n" {
		t.Errorf("its line gives %q (exit %d, %q), want %q", out, code, errOut, name)
	}
}

// equivProbe prints what a command sees of where it runs: its namespaces,
// working directory and uid.
const equivProbe = `for t in cgroup ipc mnt net pid time user uts; do readlink /proc/self/ns/$t; done; pwd; id -u`

// TestEnterPrintEquivalentJoinsWhatRunJoins: nstui never joins a namespace
// it is already in, even one a type option names, and --print-equivalent
// names exactly the ones it joins. The printed line used to say --all (or
// repeat -U, -m) where nstui left namespaces out, and nsenter then did
// something else: it moved to / (setns into our own mount namespace), failed
// with EINVAL (our own user namespace) or, for a normal user, with EPERM
// (our own cgroup namespace). Run from a directory of ours, the line gives
// what nstui gives, and --all stays where nsenter --all joins the same.
func TestEnterPrintEquivalentJoinsWhatRunJoins(t *testing.T) {
	testutil.RequireRoot(t)
	dir, err := os.MkdirTemp("", "nstui-equiv-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil { // nobody's cwd too
		t.Fatal(err)
	}
	inDir := []string{"env", "--chdir=" + dir}
	utsOnly := startEnterTarget(t, "sleep", 1, "unshare", "--uts", "sleep", "1000")
	every := everyTypeTarget(t)
	// A normal user's sandbox: nobody's user namespace (maps written by
	// root, so setgroups stays allowed) with its net and uts namespaces.
	nobodyNS := startEnterTarget(t, "sleep", 1, asNobody("unshare", "--user", "--net", "--uts", "sleep", "1000")...)
	for _, m := range []string{"uid_map", "gid_map"} {
		if err := os.WriteFile(fmt.Sprintf("/proc/%d/%s", nobodyNS.pid, m), []byte("0 65534 1\n"), 0); err != nil {
			t.Fatal(err)
		}
	}
	bin := nobodyBinary(t)
	pid := func(tg *enterTarget) string { return strconv.Itoa(tg.pid) }
	for _, c := range []struct {
		name   string
		asUser []string // prefix for both runs
		opts   []string
		line   string // printed, without the command
		wd     string // the command's working directory
	}{
		{"shares our mount namespace", nil, []string{"-t", pid(utsOnly)}, "nsenter --target " + pid(utsOnly) + " --uts", dir},
		{"explicit types we are in", nil, []string{"-t", pid(utsOnly), "-U", "-m", "-u"}, "nsenter --target " + pid(utsOnly) + " --uts", dir},
		// setns(mnt) moves to the root of the mount namespace joined.
		{"every type differs", nil, []string{"-t", pid(every)}, "nsenter --target " + pid(every) + " --all", "/"},
		{"a normal user", asNobody(), []string{"-t", pid(nobodyNS)}, "nsenter --target " + pid(nobodyNS) + " --net --user --uts", dir},
	} {
		prefix := append(append([]string{}, c.asUser...), inDir...)
		want, errOut, code := runStatus(t, append(append(append(append(prefix, bin, "enter"), c.opts...), "--", "sh", "-c"), equivProbe)...)
		if code != 0 || !strings.HasSuffix(want, "\n"+c.wd+"\n0\n") {
			t.Errorf("%s: nstui enter %v: %q (exit %d, %q), want the probe in %s as uid 0", c.name, c.opts, want, code, errOut, c.wd)
			continue
		}
		line, errOut, code := runStatus(t, append(append(append(prefix, bin, "enter"), c.opts...), "--print-equivalent")...)
		if code != 0 || line != c.line+"\n" {
			t.Errorf("%s: --print-equivalent %v: %q (exit %d, %q), want %q", c.name, c.opts, line, code, errOut, c.line)
			continue
		}
		got, errOut, code := runStatus(t, append(append(prefix, strings.Fields(line)...), "--", "sh", "-c", equivProbe)...)
		if code != 0 || got != want {
			t.Errorf("%s: %s gives\n%s(exit %d, %q)\nnstui enter %v gives\n%s", c.name, c.line, got, code, errOut, c.opts, want)
		}
	}
	// The rest of the line, on a target whose net and uts differ.
	line, errOut, code := runEnter(t, nil, "enter", "-t", pid(every), "-n", "-u", "-r", "--wd="+dir, "-S", "1000",
		"--print-equivalent", "--", "ip", "a b")
	if want := "nsenter --target " + pid(every) + " --net --uts --root --wd=" + dir + " --setuid 1000 -- ip 'a b'\n"; code != 0 || line != want {
		t.Errorf("options: %q (exit %d, %q), want %q", line, code, errOut, want)
	}
}

// TestEnterPrintEquivalentRefusesAsRun: --print-equivalent prepares the
// enter as the run does, so what the run refuses (status 125 and one line)
// it refuses with the same line; it used to print a line and exit 0.
func TestEnterPrintEquivalentRefusesAsRun(t *testing.T) {
	testutil.RequireRoot(t)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	tg := startEnterTarget(t, "sleep", 1, "unshare", "--uts", "--net", "sleep", "1000")
	pid := strconv.Itoa(tg.pid)
	missing := fmt.Sprintf("/no/such/nstui-equiv-%d", os.Getpid())
	for _, opts := range [][]string{
		{"-t", pid, "--net=/etc/passwd"},
		{"-t", pid, "--net=" + missing},
		{"-t", pid, "--uts=/proc/self/ns/net"},
		{"-t", strconv.Itoa(dead.Process.Pid), "-n"},
		{"-t", pid, "--wd=" + missing},
		{"-t", pid, "--root=" + missing},
	} {
		args := append([]string{"enter"}, opts...)
		_, runErr, runCode := runEnter(t, nil, append(args, "--", "true")...)
		if runCode != nsops.EnterExitSetup || strings.Count(runErr, "\n") != 1 {
			t.Fatalf("setup: %v: the run exits %d with %q, want %d and one line", opts, runCode, runErr, nsops.EnterExitSetup)
		}
		out, errOut, code := runEnter(t, nil, append(args, "--print-equivalent", "--", "true")...)
		if code != nsops.EnterExitSetup || out != "" || errOut != runErr {
			t.Errorf("%v --print-equivalent: exit %d, stdout %q, stderr %q; want %d and the run's line %q",
				opts, code, out, errOut, nsops.EnterExitSetup, runErr)
		}
	}
}
