package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/nstui/nstui/internal/testutil"
	"github.com/nstui/nstui/nsops"
)

// spawnRun runs the built nstui with args and returns stdout, stderr and the
// exit status.
func spawnRun(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return spawnRunCmd(t, exec.Command(nstuiBinary, args...))
}

func spawnRunCmd(t *testing.T, cmd *exec.Cmd) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", cmd.Args, err)
	}
	timer := time.AfterFunc(2*time.Minute, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	err := cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("wait %v: %v", cmd.Args, err)
	}
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	code := ws.ExitStatus()
	if ws.Signaled() {
		code = 128 + int(ws.Signal())
	}
	return out.String(), errb.String(), code
}

// spawnNSLinks returns /proc/<pid>/ns/<type> for every type ("self" works).
func spawnNSLinks(t *testing.T, pid string) map[string]string {
	t.Helper()
	links := map[string]string{}
	for _, typ := range nsops.AllTypes() {
		l, err := os.Readlink("/proc/" + pid + "/ns/" + typ.String())
		if err != nil {
			t.Fatal(err)
		}
		links[typ.String()] = l
	}
	return links
}

// spawnStat returns the ppid and state of a process, ok false when gone.
func spawnStat(pid int) (ppid int, state byte, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	return ppid, f[0][0], true
}

// spawnAllPids lists every pid in /proc.
func spawnAllPids() []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// spawnChildren lists the children of pid.
func spawnChildren(pid int) []int { return spawnKids()[pid] }

// spawnKids maps every pid to its children, from one /proc scan.
func spawnKids() map[int][]int {
	kids := map[int][]int{}
	for _, p := range spawnAllPids() {
		if ppid, _, ok := spawnStat(p); ok {
			kids[ppid] = append(kids[ppid], p)
		}
	}
	return kids
}

// spawnPidNSMembers lists the processes whose pid namespace is link.
func spawnPidNSMembers(link string) []int {
	var out []int
	for _, p := range spawnAllPids() {
		if l, err := os.Readlink("/proc/" + strconv.Itoa(p) + "/ns/pid"); err == nil && l == link {
			out = append(out, p)
		}
	}
	return out
}

// spawnSession is a running `nstui spawn` whose command printed "ready".
type spawnSession struct {
	cmd    *exec.Cmd
	out    *bufio.Reader
	init   int    // pid of the init (nstui's child)
	pidns  string // the sandbox's pid namespace link, when it has one
	waited bool
}

// spawnStartReady starts nstui with args and waits for a "ready" line on its
// stdout. The cleanup kills nstui and everything of the sandbox it can find.
func spawnStartReady(t *testing.T, extra []*os.File, args ...string) *spawnSession {
	t.Helper()
	cmd := exec.Command(nstuiBinary, args...)
	cmd.Stderr = os.Stderr
	cmd.ExtraFiles = extra
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &spawnSession{cmd: cmd, out: bufio.NewReader(stdout)}
	t.Cleanup(func() { s.kill(t) })
	lineC := make(chan string, 1)
	go func() {
		line, _ := s.out.ReadString('\n')
		lineC <- line
	}()
	select {
	case line := <-lineC:
		if strings.TrimSpace(line) != "ready" {
			t.Fatalf("want ready, got %q", line)
		}
	case <-time.After(time.Minute):
		t.Fatal("sandbox never said ready")
	}
	kids := spawnChildren(cmd.Process.Pid)
	if len(kids) != 1 {
		t.Fatalf("nstui %d has children %v, want exactly the init", cmd.Process.Pid, kids)
	}
	s.init = kids[0]
	own, _ := os.Readlink("/proc/self/ns/pid")
	if l, err := os.Readlink("/proc/" + strconv.Itoa(s.init) + "/ns/pid"); err == nil && l != own {
		s.pidns = l
	}
	return s
}

// members lists the sandbox's processes other than the init.
func (s *spawnSession) members() []int {
	if s.pidns != "" {
		return slices.DeleteFunc(spawnPidNSMembers(s.pidns), func(p int) bool { return p == s.init })
	}
	all := spawnKids()
	var out []int
	queue := []int{s.init}
	for len(queue) > 0 {
		kids := all[queue[0]]
		queue = append(queue[1:], kids...)
		out = append(out, kids...)
	}
	return out
}

// wait waits for nstui and returns its exit status.
func (s *spawnSession) wait(t *testing.T) int {
	t.Helper()
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, s.out)
		_ = s.cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("nstui did not exit")
	}
	s.waited = true
	ws := s.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// kill is the cleanup: SIGKILL nstui, the init and every member left.
func (s *spawnSession) kill(t *testing.T) {
	left := s.members()
	_ = s.cmd.Process.Kill()
	_ = unix.Kill(s.init, unix.SIGKILL)
	for _, p := range left {
		_ = unix.Kill(p, unix.SIGKILL)
	}
	if !s.waited {
		_ = s.cmd.Wait()
		s.waited = true
	}
}

// spawnEventually polls cond until it holds or a generous deadline passes.
func spawnEventually(t *testing.T, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < time.Minute {
		if cond() {
			return time.Since(start)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s: still not true after %v", what, time.Since(start))
	return 0
}

const spawnNSScript = `for n in cgroup ipc mnt net pid time user uts; do echo "$n $(readlink /proc/self/ns/$n)"; done`

func TestSpawnNamespacesDifferExactly(t *testing.T) {
	testutil.RequireRoot(t)
	own := spawnNSLinks(t, "self")
	cases := map[string][]nsops.NSType{"--all": nsops.AllTypes()}
	for _, typ := range nsops.AllTypes() {
		want := []nsops.NSType{typ}
		if typ == nsops.PIDNS {
			want = append(want, nsops.MntNS) // the fresh /proc needs a mount namespace
		}
		cases[typ.UnshareOption()] = want
		cases[typ.ShortOption()] = want
	}
	cases["--pid --no-mount-proc"] = []nsops.NSType{nsops.PIDNS}
	for flags, want := range cases {
		t.Run(flags, func(t *testing.T) {
			args := append([]string{"spawn"}, strings.Fields(flags)...)
			out, errs, code := spawnRun(t, append(args, "--", "sh", "-c", spawnNSScript)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			got := map[string]string{}
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				if typ, link, ok := strings.Cut(line, " "); ok {
					got[typ] = link
				}
			}
			for _, typ := range nsops.AllTypes() {
				name := typ.String()
				if got[name] == "" {
					t.Fatalf("no %s link in %q", name, out)
				}
				differs := got[name] != own[name]
				if differs != slices.Contains(want, typ) {
					t.Errorf("%s: command %s, parent %s, want differ=%v", name, got[name], own[name], !differs)
				}
			}
		})
	}
}

func TestSpawnSandboxSetup(t *testing.T) {
	testutil.RequireRoot(t)
	hostHost, _ := os.Hostname()
	hostUptime := spawnUptime(t, "")
	script := `echo "host=$(hostname)"; echo "me=$$"; echo "proc=$(ls /proc | grep '^[0-9]' | tr '\n' ' ')"; ` +
		`echo "lo=$(ip -o link show lo)"; echo "offsets="$(cat /proc/self/timens_offsets); ` +
		`echo "uptime=$(cat /proc/uptime)"`
	out, errs, code := spawnRun(t, "spawn", "-p", "-n", "-u", "-T", "--hostname", "nstui-box",
		"--monotonic", "1000", "--boottime", "100000", "--", "sh", "-c", script)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	kv := spawnKV(out)
	if kv["host"] != "nstui-box" {
		t.Errorf("hostname inside %q, want nstui-box", kv["host"])
	}
	if h, _ := os.Hostname(); h != hostHost {
		t.Errorf("host's hostname changed from %q to %q", hostHost, h)
	}
	// /proc shows only the sandbox: the init (1), the shell and the few
	// processes of the pipeline listing it, while the host has many more.
	procs := strings.Fields(kv["proc"])
	if !slices.Contains(procs, "1") || !slices.Contains(procs, kv["me"]) || len(procs) > 8 {
		t.Errorf("/proc inside lists %v (shell %s), want 1, the shell and its pipeline", procs, kv["me"])
	}
	if n := len(spawnAllPids()); n <= 16 {
		t.Fatalf("host /proc lists only %d processes: the check above proves nothing", n)
	}
	if !strings.Contains(kv["lo"], "<LOOPBACK,UP,LOWER_UP>") {
		t.Errorf("lo inside: %q, want UP", kv["lo"])
	}
	if !strings.Contains(kv["offsets"], "monotonic 1000 0") || !strings.Contains(kv["offsets"], "boottime 100000 0") {
		t.Errorf("timens_offsets inside: %q", kv["offsets"])
	}
	if up := spawnUptime(t, kv["uptime"]); up < hostUptime+100000-60 {
		t.Errorf("uptime inside %.0f s, want >= host %.0f + 100000", up, hostUptime)
	}

	// And the opt-outs: lo stays down, /proc stays the host's.
	out, errs, code = spawnRun(t, "spawn", "-p", "-n", "--no-lo", "--no-mount-proc", "--", "sh", "-c",
		`echo "lo=$(ip -o link show lo)"; echo "n=$(ls /proc | grep -c '^[0-9]')"`)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	kv = spawnKV(out)
	if strings.Contains(kv["lo"], "UP") {
		t.Errorf("--no-lo: lo is %q", kv["lo"])
	}
	if n, _ := strconv.Atoi(kv["n"]); n <= 16 {
		t.Errorf("--no-mount-proc: /proc lists %d processes, want the host's", n)
	}
}

// spawnKV parses key=value lines.
func spawnKV(out string) map[string]string {
	kv := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			kv[k] = strings.TrimSpace(v)
		}
	}
	return kv
}

// spawnUptime parses /proc/uptime text ("" = read the host's).
func spawnUptime(t *testing.T, text string) float64 {
	t.Helper()
	if text == "" {
		b, err := os.ReadFile("/proc/uptime")
		if err != nil {
			t.Fatal(err)
		}
		text = string(b)
	}
	f := strings.Fields(text)
	if len(f) == 0 {
		t.Fatalf("bad uptime %q", text)
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSpawnUnprivilegedMapRootUser(t *testing.T) {
	testutil.RequireRoot(t)
	bin := nobodyBinary(t)
	script := `echo "uid=$(id -u)"; echo "map="$(cat /proc/self/uid_map); echo "host=$(hostname)"; echo "n=$(ls /proc | grep -c '^[0-9]')"`
	for _, flags := range [][]string{{"-r"}, {"--map-root-user", "--user"}, {"-U"}} {
		t.Run(strings.Join(flags, " "), func(t *testing.T) {
			argv := append(append(append(asNobody(), bin, "spawn"), flags...),
				"-p", "-n", "-m", "-u", "-i", "-C", "-T", "--hostname", "nobox", "--", "sh", "-c", script)
			out, errs, code := spawnRunCmd(t, exec.Command(argv[0], argv[1:]...))
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			kv := spawnKV(out)
			if kv["uid"] != "0" || kv["map"] != "0 65534 1" || kv["host"] != "nobox" {
				t.Errorf("inside: %v, want uid 0 mapped from 65534 and hostname nobox", kv)
			}
			if n, _ := strconv.Atoi(kv["n"]); n > 8 {
				t.Errorf("/proc inside lists %d processes", n)
			}
		})
	}
	t.Run("plain form", func(t *testing.T) {
		// Namespace options only: the C driver reads them itself (no Go
		// parser), maps us to root and writes setgroups deny.
		argv := append(asNobody(), bin, "spawn", "-UpnmuiCT", "--", "sh", "-c",
			`echo "uid=$(id -u)"; echo "map="$(cat /proc/self/uid_map); echo "setgroups=$(cat /proc/self/setgroups)"; echo "n=$(ls /proc | grep -c '^[0-9]')"`)
		out, errs, code := spawnRunCmd(t, exec.Command(argv[0], argv[1:]...))
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		kv := spawnKV(out)
		if kv["uid"] != "0" || kv["map"] != "0 65534 1" || kv["setgroups"] != "deny" {
			t.Errorf("inside: %v, want uid 0 mapped from 65534, setgroups deny", kv)
		}
		if n, _ := strconv.Atoi(kv["n"]); n > 8 {
			t.Errorf("/proc inside lists %d processes", n)
		}
	})
	t.Run("current user", func(t *testing.T) {
		argv := append(asNobody(), bin, "spawn", "--map-current-user", "-p", "-n", "--", "sh", "-c",
			`echo "uid=$(id -u)"; grep CapEff /proc/self/status; echo "lo=$(ip -o link show lo)"`)
		out, errs, code := spawnRunCmd(t, exec.Command(argv[0], argv[1:]...))
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		kv := spawnKV(out)
		if kv["uid"] != "65534" || !strings.Contains(out, "CapEff:\t0000000000000000") || !strings.Contains(kv["lo"], "UP") {
			t.Errorf("inside: %q, want uid 65534, no capabilities, lo up (set by the init)", out)
		}
	})
}

func TestSpawnReapsOrphans(t *testing.T) {
	testutil.RequireRoot(t)
	// 1,000 orphans under a PID 1 init; 200 under a subreaper init (forking
	// them is what takes time on a small machine).
	for _, c := range []struct {
		flags []string
		n     int
	}{{[]string{"--pid"}, 1000}, {nil, 200}} {
		flags, n := c.flags, c.n
		t.Run(fmt.Sprint(flags), func(t *testing.T) {
			// 1,000 subshells block reading a FIFO; their parent exits at
			// once, so they become the init's orphans. Closing the test's
			// end of the FIFO makes them all exit together.
			fifo := filepath.Join(t.TempDir(), "fifo")
			if err := unix.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			hold, err := os.OpenFile(fifo, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer hold.Close()
			script := `sh -c 'i=0; while [ $i -lt ` + strconv.Itoa(n) + ` ]; do (read x < ` + fifo + `) & i=$((i+1)); done'; echo ready; exec sleep 120`
			args := append(append([]string{"spawn"}, flags...), "--", "sh", "-c", script)
			s := spawnStartReady(t, nil, args...)
			var orphans int
			spawnEventually(t, "the orphans under the init", func() bool {
				orphans = len(spawnChildren(s.init))
				return orphans >= n+1 // and the command
			})
			hold.Close()
			took := spawnEventually(t, "orphans reaped", func() bool {
				members := s.members()
				for _, p := range members {
					if _, state, ok := spawnStat(p); ok && state == 'Z' {
						return false
					}
				}
				return len(members) == 1 // only the command is left
			})
			t.Logf("%d orphans exited together, all reaped within %v", orphans-1, took)
			time.Sleep(2 * time.Second)
			members := s.members()
			for _, p := range members {
				if _, state, _ := spawnStat(p); state == 'Z' {
					t.Errorf("zombie %d in the sandbox", p)
				}
			}
			if len(members) != 1 {
				t.Errorf("sandbox has %d processes, want the command only", len(members))
			}
			_ = s.cmd.Process.Signal(unix.SIGTERM)
			if code := s.wait(t); code != 128+int(unix.SIGTERM) {
				t.Errorf("exit %d after SIGTERM, want %d", code, 128+int(unix.SIGTERM))
			}
		})
	}
}

func TestSpawnExitCodes(t *testing.T) {
	testutil.RequireRoot(t)
	// Every status, four at a time (the machine is small); one in eight
	// with a pid namespace, where the init is PID 1.
	t.Run("0..255", func(t *testing.T) {
		for worker := range 4 {
			t.Run(strconv.Itoa(worker), func(t *testing.T) {
				t.Parallel()
				for code := worker; code <= 255; code += 4 {
					args := []string{"spawn", "--", "sh", "-c", "exit " + strconv.Itoa(code)}
					if code%8 == 0 || code == 255 {
						args = []string{"spawn", "--pid", "--", "sh", "-c", "exit " + strconv.Itoa(code)}
					}
					if _, errs, got := spawnRun(t, args...); got != code {
						t.Errorf("%v: exit %d, want %d (%s)", args, got, code, errs)
					}
				}
			})
		}
	})
	for _, sig := range []unix.Signal{unix.SIGHUP, unix.SIGINT, unix.SIGQUIT, unix.SIGABRT, unix.SIGKILL, unix.SIGSEGV, unix.SIGTERM, unix.SIGUSR1} {
		for _, flags := range [][]string{{"--pid"}, {}} {
			args := append(append([]string{"spawn"}, flags...), "--", "sh", "-c", fmt.Sprintf("kill -%d $$", int(sig)))
			if _, errs, got := spawnRun(t, args...); got != 128+int(sig) {
				t.Errorf("%v: exit %d, want %d (%s)", args, got, 128+int(sig), errs)
			}
		}
	}
	dir := t.TempDir()
	noexec := filepath.Join(dir, "noexec")
	if err := os.WriteFile(noexec, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		argv []string
		code int
		msg  string
	}{
		{[]string{"nstui-no-such-command"}, 127, "nstui: nstui-no-such-command: command not found\n"},
		{[]string{filepath.Join(dir, "missing")}, 127, "command not found"},
		{[]string{noexec}, 126, "permission denied"},
		{[]string{dir}, 126, "is a directory"},
	} {
		_, errs, got := spawnRun(t, append([]string{"spawn", "--pid", "--"}, c.argv...)...)
		if got != c.code || !strings.Contains(errs, c.msg) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want %d and one line with %q", c.argv, got, errs, c.code, c.msg)
		}
	}
}

// spawnSignals are the catchable signals the test sends, with bash's names
// for them: every one but SIGCHLD (the init's own). No Go runtime is in the
// way (nstui spawn's driver and the init are C), so SIGURG, SIGPROF and the
// real-time signals are forwarded too; 32 and 33 are left out only because
// bash (glibc) cannot trap them.
func spawnSignals() map[unix.Signal]string {
	sigs := map[unix.Signal]string{}
	for s := unix.Signal(1); s <= 31; s++ {
		switch s {
		case unix.SIGKILL, unix.SIGSTOP, unix.SIGCHLD:
			continue
		}
		sigs[s] = strings.TrimPrefix(unix.SignalName(s), "SIG")
	}
	sigs[unix.Signal(34)] = "RTMIN"
	sigs[unix.Signal(35)] = "RTMIN+1"
	sigs[unix.Signal(64)] = "RTMAX"
	return sigs
}

func TestSpawnForwardsEachSignalOnce(t *testing.T) {
	testutil.RequireRoot(t)
	log := filepath.Join(t.TempDir(), "signals")
	sigs := spawnSignals()
	var traps strings.Builder
	for _, name := range sigs {
		fmt.Fprintf(&traps, "trap 'echo %s >> %s' %s\n", name, log, name)
	}
	script := traps.String() + "echo ready\nwhile :; do sleep 0.02; done\n"
	for _, flags := range [][]string{{"--pid"}, {}} {
		t.Run(fmt.Sprint(flags), func(t *testing.T) {
			_ = os.Remove(log)
			s := spawnStartReady(t, nil, append(append([]string{"spawn"}, flags...), "--", "bash", "-c", script)...)
			order := make([]unix.Signal, 0, len(sigs))
			for sig := range sigs {
				order = append(order, sig)
			}
			slices.Sort(order)
			for _, sig := range order {
				if err := s.cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
				spawnEventually(t, "trap for "+sigs[sig], func() bool {
					b, _ := os.ReadFile(log)
					return slices.Contains(strings.Fields(string(b)), sigs[sig])
				})
			}
			time.Sleep(300 * time.Millisecond) // room for a duplicate to show up
			b, _ := os.ReadFile(log)
			seen := strings.Fields(string(b))
			for _, sig := range order {
				if n := strings.Count(" "+strings.Join(seen, " ")+" ", " "+sigs[sig]+" "); n != 1 {
					t.Errorf("SIG%s seen %d times by the command", sigs[sig], n)
				}
			}
			if len(seen) != len(order) {
				t.Errorf("command saw %d signals, want %d: %v", len(seen), len(order), seen)
			}
			// The init survived all of them (it is still nstui's child).
			if _, _, ok := spawnStat(s.init); !ok {
				t.Error("the init died")
			}
		})
	}
}

func TestSpawnInitSurvivesSignalsFromInside(t *testing.T) {
	testutil.RequireRoot(t)
	// Signals sent to PID 1 from inside do not end the init: SIGKILL and
	// SIGSTOP are dropped by the kernel, the rest are forwarded to the
	// command like any other signal (as tini does), here trapped.
	script := `trap 'echo got-TERM' TERM; trap 'echo got-INT' INT; trap 'echo got-HUP' HUP
kill -KILL 1; kill -STOP 1; kill -TERM 1; sleep 0.3; kill -INT 1; sleep 0.3; kill -HUP 1; sleep 0.3
echo "alive ppid=$PPID"; exit 7`
	out, errs, code := spawnRun(t, "spawn", "--pid", "--", "sh", "-c", script)
	if code != 7 || !strings.Contains(out, "alive ppid=1") {
		t.Fatalf("exit %d, out %q, err %q: want 7 and the init still PID 1", code, out, errs)
	}
	for _, sig := range []string{"TERM", "INT", "HUP"} {
		if n := strings.Count(out, "got-"+sig+"\n"); n != 1 {
			t.Errorf("command got SIG%s %d times, want once: %q", sig, n, out)
		}
	}
}

// spawnPTY reads a PTY into a channel so the test can wait for text.
type spawnPTY struct {
	f    *os.File
	data chan []byte
	buf  []byte
}

// expect reads until want appears and returns what came before it; p keeps
// what follows.
func (p *spawnPTY) expect(t *testing.T, want string) string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for !strings.Contains(string(p.buf), want) {
		select {
		case b, ok := <-p.data:
			if !ok {
				t.Fatalf("PTY closed before %q; got %q", want, p.buf)
			}
			p.buf = append(p.buf, b...)
		case <-deadline:
			t.Fatalf("no %q on the PTY; got %q", want, p.buf)
		}
	}
	i := strings.Index(string(p.buf), want)
	before := string(p.buf[:i])
	p.buf = p.buf[i+len(want):]
	return before
}

func (p *spawnPTY) send(t *testing.T, s string) {
	t.Helper()
	if _, err := p.f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func TestSpawnJobControlOnPTY(t *testing.T) {
	testutil.RequireRoot(t)
	for _, flags := range [][]string{{"--pid"}, {}} {
		t.Run(fmt.Sprint(flags), func(t *testing.T) {
			argv := append(append([]string{nstuiBinary, "spawn"}, flags...), "--", "bash", "--norc", "--noprofile", "-i")
			cmd, p := spawnStartPTY(t, []string{"PS1=PROMPT$ ", "TERM=dumb"}, argv...)
			p.expect(t, "PROMPT$ ")
			if strings.Contains(string(p.buf), "no job control") {
				t.Fatalf("bash warned: %q", p.buf)
			}
			p.send(t, "echo \"flags=$-\"\n")
			p.expect(t, "flags=")
			p.expect(t, "\n")
			// the line after "flags=" up to the newline is in what expect skipped;
			// ask again in a form that is easy to match.
			p.send(t, "case $- in *m*) echo JOB''CONTROL;; *) echo NO''JOBS;; esac\n")
			p.expect(t, "JOBCONTROL")
			p.expect(t, "PROMPT$ ")

			// ctrl-c ends the foreground job, not bash nor the init.
			p.send(t, "sleep 1000; echo after-$((40+2))\n")
			time.Sleep(500 * time.Millisecond)
			p.send(t, "\x03")
			p.expect(t, "PROMPT$ ")
			p.send(t, "echo alive-$((1+1))\n")
			p.expect(t, "alive-2")

			// ctrl-z stops the job, fg resumes it.
			p.send(t, "sed -u s/^/got:/\n")
			time.Sleep(300 * time.Millisecond)
			p.send(t, "one\n")
			p.expect(t, "got:one")
			p.send(t, "\x1a")
			p.expect(t, "Stopped")
			p.expect(t, "PROMPT$ ")
			p.send(t, "fg\n")
			p.expect(t, "sed -u s/^/got:/")
			time.Sleep(300 * time.Millisecond)
			p.send(t, "two\n")
			p.expect(t, "got:two")
			p.send(t, "\x04") // EOF ends sed
			p.expect(t, "PROMPT$ ")
			p.send(t, "exit 7\n")
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 7 {
				t.Fatalf("nstui exit: %v, want status 7", err)
			}
		})
	}
}

// spawnStartPTY starts argv on a new PTY and reads it in the background.
func spawnStartPTY(t *testing.T, env []string, argv ...string) (*exec.Cmd, *spawnPTY) {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	p := &spawnPTY{f: f, data: make(chan []byte, 64)}
	go func() {
		defer close(p.data)
		for {
			b := make([]byte, 4096)
			n, err := f.Read(b)
			if n > 0 {
				p.data <- b[:n]
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		f.Close()
		for range p.data {
		}
	})
	return cmd, p
}

// spawnOuterShell starts a job-control bash (prompt "OUTER$ ") on a new
// PTY, waits for its prompt, returns it and its PTY, and kills everything it started at cleanup
// (before spawnStartPTY's cleanup kills bash itself).
func spawnOuterShell(t *testing.T) (*exec.Cmd, *spawnPTY) {
	t.Helper()
	cmd, p := spawnStartPTY(t, []string{"PS1=OUTER$ ", "TERM=dumb"}, "bash", "--norc", "--noprofile", "-i")
	t.Cleanup(func() {
		for _, pid := range testutil.Descendants(cmd.Process.Pid) {
			_ = unix.Kill(pid, unix.SIGKILL)
		}
	})
	p.expect(t, "OUTER$ ")
	return cmd, p
}

func TestSpawnCtrlZStopsLikeAJob(t *testing.T) {
	testutil.RequireRoot(t)
	// A job-control shell runs nstui spawn with a plain command (no shell
	// inside): ctrl-z must stop the job as the outer shell sees it, and fg
	// must give the command the terminal back.
	_, p := spawnOuterShell(t)
	p.send(t, nstuiBinary+" spawn --pid -- sed -u s/^/got:/\n")
	time.Sleep(500 * time.Millisecond)
	p.send(t, "one\n")
	p.expect(t, "got:one")
	p.send(t, "\x1a")
	p.expect(t, "Stopped")
	p.expect(t, "OUTER$ ")
	p.send(t, "echo outer-$((6*7))\n")
	p.expect(t, "outer-42")
	p.send(t, "fg\n")
	p.expect(t, "spawn --pid -- sed")
	time.Sleep(300 * time.Millisecond)
	p.send(t, "two\n")
	p.expect(t, "got:two")
	// bg: the command reads the terminal from the background, so it stops
	// again (SIGTTIN) and the job shows as stopped, like any job would.
	p.send(t, "\x1a")
	p.expect(t, "Stopped")
	p.send(t, "bg\n")
	p.expect(t, "OUTER$ ")
	p.send(t, "sleep 1; jobs\n")
	p.expect(t, "Stopped")
	p.send(t, "fg\n")
	time.Sleep(300 * time.Millisecond)
	p.send(t, "three\n")
	p.expect(t, "got:three")
	p.send(t, "\x04")
	p.expect(t, "OUTER$ ")
	p.send(t, "echo rc=$?\n")
	p.expect(t, "rc=0")

	// Without a job-control shell above (nstui leads the PTY's session),
	// nobody could resume a stop: ctrl-z is undone at once.
	cmd, q := spawnStartPTY(t, []string{"TERM=dumb"}, nstuiBinary, "spawn", "--pid", "--", "sed", "-u", "s/^/got:/")
	time.Sleep(500 * time.Millisecond)
	q.send(t, "four\n")
	q.expect(t, "got:four")
	q.send(t, "\x1a")
	time.Sleep(300 * time.Millisecond)
	q.send(t, "five\n")
	q.expect(t, "got:five")
	q.send(t, "\x04")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("nstui: %v, want exit 0 after EOF", err)
	}
}

func TestSpawnSIGKILLTakesSandboxDown(t *testing.T) {
	testutil.RequireRoot(t)
	before, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, flags := range [][]string{{"--pid", "--mount"}, {"--mount"}, {}} {
		t.Run(fmt.Sprint(flags), func(t *testing.T) {
			mnt := t.TempDir()
			script := `sleep 1000 & sleep 1000 & (setsid sleep 1000 &) ; `
			if slices.Contains(flags, "--mount") {
				script += "mount -t tmpfs nstui-test-tmpfs " + mnt + " && "
			}
			script += "echo ready; exec sleep 1000"
			s := spawnStartReady(t, nil, append(append([]string{"spawn"}, flags...), "--", "sh", "-c", script)...)
			members := s.members()
			if len(members) < 4 {
				t.Fatalf("sandbox has %v, want 4 sleeps", members)
			}
			if err := s.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			alive := func(p int) bool {
				_, state, ok := spawnStat(p)
				return ok && state != 'Z'
			}
			took := spawnEventually(t, "sandbox gone after SIGKILL to nstui", func() bool {
				for _, p := range append(members, s.init) {
					if alive(p) {
						return false
					}
				}
				return true
			})
			t.Logf("sandbox of %d processes gone %v after nstui was killed", len(members)+1, took)
			mi, _ := os.ReadFile("/proc/self/mountinfo")
			if strings.Contains(string(mi), mnt) || strings.Contains(string(mi), "nstui-test-tmpfs") {
				t.Errorf("mount from the sandbox leaked into the host: %s", mi)
			}
		})
	}
	after, _ := os.ReadFile("/proc/self/mountinfo")
	if strings.Count(string(after), " - proc ") != strings.Count(string(before), " - proc ") {
		t.Errorf("host proc mounts changed:\nbefore %s\nafter %s", before, after)
	}
}

func TestSpawnCommandGetsOnlyStdioAndNoInternalEnv(t *testing.T) {
	testutil.RequireRoot(t)
	// Give nstui an extra inherited fd and an internal variable: neither
	// may reach the command.
	t.Setenv("_NSTUI_TEST_LEAK", "1")
	leak, err := os.Open("/dev/null")
	if err != nil {
		t.Fatal(err)
	}
	defer leak.Close()
	for _, flags := range [][]string{{"--pid"}, {}} {
		t.Run(fmt.Sprint(flags), func(t *testing.T) {
			args := append(append([]string{"spawn"}, flags...), "--", "sh", "-c", "echo ready; exec sleep 1000")
			s := spawnStartReady(t, []*os.File{leak}, args...)
			var cmdPid int
			// Wait until sleep sleeps: while it starts, the dynamic loader
			// has libraries open on fd 3 for a moment.
			spawnEventually(t, "sleep sleeping", func() bool {
				for _, p := range s.members() {
					b, _ := os.ReadFile("/proc/" + strconv.Itoa(p) + "/syscall")
					nr, _, _ := strings.Cut(string(b), " ")
					if nr == strconv.Itoa(unix.SYS_CLOCK_NANOSLEEP) || nr == strconv.Itoa(unix.SYS_NANOSLEEP) {
						cmdPid = p
						return true
					}
				}
				return false
			})
			ents, err := os.ReadDir("/proc/" + strconv.Itoa(cmdPid) + "/fd")
			if err != nil {
				t.Fatal(err)
			}
			var fds []string
			for _, e := range ents {
				fds = append(fds, e.Name())
			}
			if strings.Join(fds, ",") != "0,1,2" {
				t.Errorf("command has fds %v, want 0,1,2", fds)
			}
			env, err := os.ReadFile("/proc/" + strconv.Itoa(cmdPid) + "/environ")
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(env, []byte("_NSTUI_")) {
				t.Errorf("command environment has nstui's internal variables: %q", env)
			}
			initEnv, _ := os.ReadFile("/proc/" + strconv.Itoa(s.init) + "/environ")
			if !bytes.Contains(initEnv, []byte("_NSTUI_TEST_LEAK=")) {
				t.Errorf("the init has no _NSTUI_TEST_LEAK: the check above proves nothing")
			}
			if !bytes.Contains(env, []byte("PATH=")) {
				t.Errorf("command environment lost PATH: %q", env)
			}
		})
	}
}

func TestSpawnBadInput(t *testing.T) {
	testutil.RequireRoot(t)
	bin := nobodyBinary(t)
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		argv []string
		want string
	}{
		{[]string{nstuiBinary, "spawn", "--bogus"}, "unknown flag: --bogus"},
		{[]string{nstuiBinary, "spawn", "--map-user", "1000", "--pid", "--", "true"}, "--map-user only works with a new user namespace: add --user"},
		{[]string{nstuiBinary, "spawn", "--map-user", "no-such-user-xyz", "-U", "--", "true"}, `--map-user "no-such-user-xyz": not a number and no such name`},
		{[]string{nstuiBinary, "spawn", "--root", "/nonexistent-nstui", "--", "true"}, "--root /nonexistent-nstui: no such directory"},
		{[]string{nstuiBinary, "spawn", "--root", file, "--", "true"}, "not a directory"},
		{[]string{nstuiBinary, "spawn", "--hostname", "x", "--", "true"}, "--hostname only works with a new uts namespace"},
		{[]string{nstuiBinary, "spawn", "-u", "--hostname", "a\x01b", "--", "true"}, `--hostname "a\x01b" is not a hostname`},
		{[]string{nstuiBinary, "spawn", "-m", "--propagation", "weird", "--", "true"}, `--propagation "weird"`},
		{[]string{nstuiBinary, "spawn", "--monotonic", "5", "--", "true"}, "add --time"},
		{[]string{nstuiBinary, "spawn", "--monotonic", "abc", "-T", "--", "true"}, "invalid argument"},
		// Failures inside the new namespaces: the init says why and exits 125.
		{[]string{nstuiBinary, "spawn", "-p", "--root", filepath.Dir(file), "--", "true"}, "/proc: no such directory (create it in --root, or add --no-mount-proc)"},
		{[]string{nstuiBinary, "spawn", "-T", "--monotonic", "-999999999", "--", "true"}, "out of range (the clocks inside must stay positive)"},
		{append(asNobody(), bin, "spawn", "--pid", "--net", "--", "true"), "creating namespaces needs root (CAP_SYS_ADMIN): run as root, or add --user (-U)"},
		{append(asNobody(), bin, "spawn", "-U", "--setgroups", "allow", "--", "true"), "--setgroups allow cannot be used with a gid map as a normal user"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.argv[len(c.argv)-3:], " "), func(t *testing.T) {
			before := len(spawnChildren(os.Getpid()))
			out, errs, code := spawnRunCmd(t, exec.Command(c.argv[0], c.argv[1:]...))
			if code != 125 {
				t.Fatalf("exit %d, want 125: the sandbox could not be set up (out %q, err %q)", code, out, errs)
			}
			if strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "nstui: ") || !strings.Contains(errs, c.want) {
				t.Errorf("stderr %q: want one line starting nstui: and naming %q", errs, c.want)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if after := len(spawnChildren(os.Getpid())); after != before {
				t.Errorf("children of the test went from %d to %d", before, after)
			}
		})
	}
}

func TestSpawnPrintEquivalentRunsTheSame(t *testing.T) {
	testutil.RequireRoot(t)
	flags := []string{"-p", "-n", "-u", "-i", "-T", "--hostname", "eqbox", "--boottime", "5000"}
	script := `echo "h=$(hostname)"; echo "lo=$(ip -o link show lo | grep -c LOWER_UP)"; echo "off=$(grep boot /proc/self/timens_offsets)"; echo "n=$(ls /proc | grep -c '^[0-9]')"`
	line, errs, code := spawnRun(t, append(append([]string{"spawn", "--print-equivalent"}, flags...), "--", "sh", "-c", script)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(line, "unshare ") {
		t.Fatalf("equivalent %q does not start with unshare", line)
	}
	ours, errs, code := spawnRun(t, append(append([]string{"spawn"}, flags...), "--", "sh", "-c", script)...)
	if code != 0 {
		t.Fatalf("spawn exit %d: %s", code, errs)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	theirs, err := exec.CommandContext(ctx, "sh", "-c", line).CombinedOutput()
	if err != nil {
		t.Fatalf("running %s: %v\n%s", line, err, theirs)
	}
	o, u := spawnKV(ours), spawnKV(string(theirs))
	want := map[string]string{"h": "eqbox", "lo": "1", "off": "boottime 5000 0"}
	for _, kv := range []map[string]string{o, u} {
		kv["off"] = strings.Join(strings.Fields(kv["off"]), " ")
	}
	for k, v := range want {
		if o[k] != v || u[k] != v {
			t.Errorf("%s: nstui spawn %q, its equivalent %q; want %q\n%s", k, o[k], u[k], v, line)
		}
	}
	// Both see a fresh /proc with a handful of processes.
	if a, _ := strconv.Atoi(o["n"]); a > 8 {
		t.Errorf("nstui spawn sees %d processes", a)
	}
	if a, _ := strconv.Atoi(u["n"]); a > 8 {
		t.Errorf("the equivalent sees %d processes", a)
	}
}

// BenchmarkSpawnVsUnshare runs the benchmark pair; compare the two
// sub-benchmarks' ns/op (bench/spawn-vs-unshare.sh prints the ratio).
func BenchmarkSpawnVsUnshare(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root")
	}
	pairs := []struct {
		name string
		argv []string
	}{
		{"nstui", []string{nstuiBinary, "spawn", "--pid", "--net", "--mount", "--uts", "--ipc", "--cgroup", "--", "true"}},
		{"unshare", []string{"unshare", "--pid", "--net", "--mount", "--uts", "--ipc", "--cgroup", "--fork", "--mount-proc", "true"}},
	}
	for _, p := range pairs {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				if out, err := exec.Command(p.argv[0], p.argv[1:]...).CombinedOutput(); err != nil {
					b.Fatalf("%v: %v %s", p.argv, err, out)
				}
			}
		})
	}
}

// TestSpawnInitIsNamed: PID 1 of the sandbox shows as nstui-init in ps, not
// as "exe" (the init is started through /proc/self/exe).
func TestSpawnInitIsNamed(t *testing.T) {
	testutil.RequireRoot(t)
	out, err := exec.Command(nstuiBinary, "spawn", "--pid", "--", "cat", "/proc/1/comm").Output()
	if err != nil {
		t.Fatalf("nstui spawn: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != "nstui-init" {
		t.Fatalf("/proc/1/comm inside the sandbox = %q, want nstui-init", got)
	}
}

// spawnThreads reads the thread count of a process from /proc.
func spawnThreads(t *testing.T, pid int) string {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no Threads line in /proc/%d/status", pid)
	return ""
}

// TestSpawnDriverAndInitAreC: while the sandbox runs, neither the nstui the
// shell waits on (the spawn driver) nor the init runs a Go runtime (which
// has several threads from the start): both are single-threaded C, and the
// init is nstui's only child (the Go command line parser is gone).
func TestSpawnDriverAndInitAreC(t *testing.T) {
	testutil.RequireRoot(t)
	for _, flags := range [][]string{{"--pid"}, {}} {
		t.Run(fmt.Sprint(flags), func(t *testing.T) {
			args := append(append([]string{"spawn"}, flags...), "--", "sh", "-c", "echo ready; exec sleep 1000")
			s := spawnStartReady(t, nil, args...) // asserts the init is the only child
			for who, pid := range map[string]int{"nstui": s.cmd.Process.Pid, "the init": s.init} {
				if n := spawnThreads(t, pid); n != "1" {
					t.Errorf("%s (%d) has %s threads, want 1 (no Go runtime)", who, pid, n)
				}
			}
			comm, _ := os.ReadFile("/proc/" + strconv.Itoa(s.init) + "/comm")
			if strings.TrimSpace(string(comm)) != "nstui-init" {
				t.Errorf("init comm %q, want nstui-init", comm)
			}
			_ = s.cmd.Process.Signal(unix.SIGTERM)
			if code := s.wait(t); code != 128+int(unix.SIGTERM) {
				t.Errorf("exit %d after SIGTERM, want %d", code, 128+int(unix.SIGTERM))
			}
		})
	}
}

// TestSpawnBadInputLeavesNoParser: when the Go command line
// parser rejects the input, nothing of it stays behind (it is not nstui's
// child, so the driver cannot wait for it: it must exit on its own).
func TestSpawnBadInputLeavesNoParser(t *testing.T) {
	testutil.RequireRoot(t)
	cmd := exec.Command(nstuiBinary, "spawn", "--bogus-"+strconv.Itoa(os.Getpid()))
	_, errs, code := spawnRunCmd(t, cmd)
	if code != 125 || !strings.Contains(errs, "unknown flag") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	spawnEventually(t, "no process left with the bad flag", func() bool {
		for _, p := range spawnAllPids() {
			b, _ := os.ReadFile("/proc/" + strconv.Itoa(p) + "/cmdline")
			if bytes.Contains(b, []byte("--bogus-"+strconv.Itoa(os.Getpid()))) {
				return false
			}
		}
		return true
	})
}

// spawnProbe prints what a sandbox looks like from inside, in a form that
// does not depend on the run: which namespace types are new, lo, whether
// /proc is fresh, the propagation of /, the uid map, the time offsets, the
// command's pid.
const spawnProbe = `for n in cgroup ipc mnt net pid time user uts; do echo "ns $n $(readlink /proc/self/ns/$n)"; done
echo "lo $(ip -o link show lo | grep -c LOWER_UP)"
echo "procs $(ls /proc | grep -c '^[0-9]')"
echo "root $(awk '$5 == "/" { print ($0 ~ / shared:/) ? "shared" : "private" }' /proc/self/mountinfo | head -1)"
echo "uidmap $(cat /proc/self/uid_map)"
echo "offsets $(cat /proc/self/timens_offsets 2>/dev/null)"
echo "pid $$"`

// spawnProbeResult turns spawnProbe's output into run-independent lines.
func spawnProbeResult(t *testing.T, out string, own map[string]string) string {
	t.Helper()
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 3 && f[0] == "ns":
			state := "new"
			if own[f[1]] == f[2] {
				state = "same"
			}
			line = "ns " + f[1] + " " + state
		case len(f) == 2 && f[0] == "procs":
			if n, _ := strconv.Atoi(f[1]); n <= 8 {
				line = "procs fresh"
			} else {
				line = "procs host"
			}
		case len(f) == 2 && f[0] == "pid":
			if n, _ := strconv.Atoi(f[1]); n > 8 {
				line = "pid host" // else 2: the command after the init
			}
		}
		lines = append(lines, strings.Join(strings.Fields(line), " "))
	}
	return strings.Join(lines, "\n")
}

// TestSpawnFastPathMatchesParser: nstui spawn's C driver reads the plain
// form itself (namespace options only) instead of starting the Go parser.
// Each such form must make the same sandbox as the parser
// (_NSTUI_SPAWN_SLOW=1 forces it), as seen from inside.
func TestSpawnFastPathMatchesParser(t *testing.T) {
	testutil.RequireRoot(t)
	own := spawnNSLinks(t, "self")
	forms := []string{"", "--all", "-pnmuiCTU", "-p -n", "--pid --no-mount-proc", "--net --no-lo", "-U", "--user --pid"}
	for _, typ := range nsops.AllTypes() {
		forms = append(forms, typ.UnshareOption(), typ.ShortOption())
	}
	for _, form := range forms {
		t.Run(form, func(t *testing.T) {
			argv := append(append([]string{"spawn"}, strings.Fields(form)...), "--", "sh", "-c", spawnProbe)
			var results [2]string
			for i, slow := range []bool{false, true} {
				cmd := exec.Command(nstuiBinary, argv...)
				if slow {
					cmd.Env = append(os.Environ(), "_NSTUI_SPAWN_SLOW=1")
				}
				out, errs, code := spawnRunCmd(t, cmd)
				if code != 0 {
					t.Fatalf("slow=%v: exit %d: %s", slow, code, errs)
				}
				results[i] = spawnProbeResult(t, out, own)
			}
			if results[0] != results[1] {
				t.Errorf("fast path:\n%s\nGo parser:\n%s", results[0], results[1])
			}
		})
	}
	// The default command, $SHELL, on both paths.
	for _, slow := range []bool{false, true} {
		cmd := exec.Command(nstuiBinary, "spawn", "-p")
		cmd.Env = append(os.Environ(), "SHELL=/bin/sh")
		if slow {
			cmd.Env = append(cmd.Env, "_NSTUI_SPAWN_SLOW=1")
		}
		cmd.Stdin = strings.NewReader("echo shell=$0 pid=$$\n")
		out, errs, code := spawnRunCmd(t, cmd)
		if code != 0 || strings.TrimSpace(out) != "shell=/bin/sh pid=2" {
			t.Errorf("slow=%v: default shell: exit %d, out %q, err %q", slow, code, out, errs)
		}
	}
}

// TestSpawnTeardownTermThenKill: when the command exits, the init sends
// SIGTERM to what is left (a trap sees it once), waits the grace period,
// then SIGKILLs what ignored it; nstui exits with the command's status.
func TestSpawnTeardownTermThenKill(t *testing.T) {
	testutil.RequireRoot(t)
	for _, flags := range [][]string{{"--pid"}, {}} {
		t.Run(fmt.Sprint(flags), func(t *testing.T) {
			log := filepath.Join(t.TempDir(), "log")
			script := `sh -c 'trap "echo got-term >> ` + log + `; exit 0" TERM; while :; do sleep 0.05; done' &
(trap '' TERM; exec sleep 1000) &
sleep 0.3; echo ready; read x; exit 3`
			cmd := exec.Command(nstuiBinary, append(append([]string{"spawn"}, flags...), "--", "sh", "-c", script)...)
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stderr = os.Stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var left []int
			defer func() {
				_ = cmd.Process.Kill()
				for _, p := range left {
					_ = unix.Kill(p, unix.SIGKILL)
				}
				_ = cmd.Wait()
			}()
			line, _ := bufio.NewReader(stdout).ReadString('\n')
			if line != "ready\n" {
				t.Fatalf("want ready, got %q", line)
			}
			left = testutil.Descendants(cmd.Process.Pid)
			if len(left) < 4 { // init, command, trapper (+ its sleep), sleep 1000
				t.Fatalf("sandbox has %v, want at least 4 processes", left)
			}
			start := time.Now()
			stdin.Close() // the command exits 3
			err = cmd.Wait()
			took := time.Since(start)
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 3 {
				t.Fatalf("nstui: %v, want exit status 3", err)
			}
			for _, p := range left {
				if _, state, ok := spawnStat(p); ok && state != 'Z' {
					t.Errorf("process %d still alive after nstui exited", p)
				}
			}
			b, _ := os.ReadFile(log)
			if n := strings.Count(string(b), "got-term\n"); n != 1 {
				t.Errorf("the trap saw SIGTERM %d times, want once (%q)", n, b)
			}
			t.Logf("teardown (TERM, %v grace, KILL) took %v", nsops.DefaultKillGrace, took)
		})
	}
}

// TestSpawnGivesTerminalBack: a caller without job control (a sh script on
// a terminal) reads the terminal after nstui spawn, which handed its
// foreground to the command: the driver must take it back when the command
// ends, or the read fails (EIO, the foreground group is gone).
func TestSpawnGivesTerminalBack(t *testing.T) {
	testutil.RequireRoot(t)
	for _, flags := range [][]string{{"-p"}, {}} {
		t.Run(fmt.Sprint(flags), func(t *testing.T) {
			script := nstuiBinary + " spawn " + strings.Join(flags, " ") + ` -- true
echo "spawn rc=$?"
if read x; then echo "read ok: $x"; else echo "read failed rc=$?"; fi`
			cmd, p := spawnStartPTY(t, []string{"TERM=dumb"}, "sh", "-c", script)
			p.expect(t, "spawn rc=0")
			p.send(t, "hello\n")
			p.expect(t, "read ok: hello") // before the fix: "read failed rc=1"
			if err := cmd.Wait(); err != nil {
				t.Fatalf("sh: %v", err)
			}
		})
	}
}

// TestSpawnFgContinuesTheWholeJob: ctrl-z stops every process of the
// command's process group (here a pipeline), so fg must continue the group,
// not only the command.
func TestSpawnFgContinuesTheWholeJob(t *testing.T) {
	testutil.RequireRoot(t)
	for _, flags := range [][]string{{"-p"}, {}} {
		t.Run(fmt.Sprint(flags), func(t *testing.T) {
			cmd, p := spawnOuterShell(t)
			p.send(t, nstuiBinary+" spawn "+strings.Join(flags, " ")+" -- sh -c 'sleep 30 | cat; echo pipe''line-done'\n")
			var job []int // the sleep and the cat
			spawnEventually(t, "sleep and cat started", func() bool {
				job = nil
				for _, pid := range testutil.Descendants(cmd.Process.Pid) {
					comm, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
					if c := strings.TrimSpace(string(comm)); c == "sleep" || c == "cat" {
						job = append(job, pid)
					}
				}
				return len(job) == 2
			})
			state := func(want bool) func() bool { // all stopped (true) / none stopped (false)
				return func() bool {
					for _, pid := range job {
						if _, st, ok := spawnStat(pid); !ok || (st == 'T') != want {
							return false
						}
					}
					return true
				}
			}
			p.send(t, "\x1a")
			p.expect(t, "Stopped")
			p.expect(t, "OUTER$ ")
			spawnEventually(t, "sleep and cat stopped by ctrl-z", state(true))
			p.send(t, "fg\n")
			p.expect(t, "sleep 30 | cat")
			spawnEventually(t, "sleep and cat continued by fg", state(false))
			p.send(t, "\x03") // ctrl-c now ends the job
			p.expect(t, "OUTER$ ")
			p.send(t, "echo rc=$?\n")
			p.expect(t, "rc=130")
		})
	}
}

// TestSpawnKeepsIgnoredSignals: a signal nstui's caller ignored (nohup:
// SIGHUP) stays ignored in the command, as with unshare; one it did not
// ignore is at its default there.
func TestSpawnKeepsIgnoredSignals(t *testing.T) {
	testutil.RequireRoot(t)
	const hup = 1 << (unix.SIGHUP - 1)
	for _, slow := range []string{"", "1"} { // the fast path and the Go parser's
		for _, flags := range []string{"-p", ""} {
			for _, ignore := range []bool{true, false} {
				t.Run(fmt.Sprintf("slow=%s/%s/ignore=%v", slow, flags, ignore), func(t *testing.T) {
					script := "exec " + nstuiBinary + " spawn " + flags + " -- grep SigIgn /proc/self/status"
					if ignore {
						script = `trap "" HUP; ` + script
					}
					cmd := exec.Command("sh", "-c", script)
					cmd.Env = append(os.Environ(), "_NSTUI_SPAWN_SLOW="+slow)
					out, errs, code := spawnRunCmd(t, cmd)
					f := strings.Fields(out)
					if code != 0 || len(f) != 2 {
						t.Fatalf("exit %d, out %q, err %q", code, out, errs)
					}
					mask, err := strconv.ParseUint(f[1], 16, 64)
					if err != nil {
						t.Fatal(err)
					}
					if got := mask&hup != 0; got != ignore {
						t.Errorf("command's SigIgn %s: SIGHUP ignored = %v, want %v", f[1], got, ignore)
					}
				})
			}
		}
	}
}

// spawnMarked lists the live (not zombie) processes running `sleep marker`.
func spawnMarked(marker string) []int {
	var out []int
	for _, pid := range spawnAllPids() {
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		if string(b) == "sleep\x00"+marker+"\x00" {
			if _, st, ok := spawnStat(pid); ok && st != 'Z' {
				out = append(out, pid)
			}
		}
	}
	return out
}

// TestSpawnNoPidNSKillsForkingDescendants: without a pid namespace the
// init finds the sandbox by a /proc scan; a process that keeps forking must
// not leave a child forked after the scan alive, neither when nstui is
// SIGKILLed nor in the teardown after a normal exit.
func TestSpawnNoPidNSKillsForkingDescendants(t *testing.T) {
	testutil.RequireRoot(t)
	for round := range 3 {
		for _, how := range []string{"sigkill", "exit"} {
			t.Run(fmt.Sprintf("%s/%d", how, round), func(t *testing.T) {
				marker := fmt.Sprintf("%d.%06d", 1000+round, time.Now().UnixNano()%1000000)
				t.Cleanup(func() {
					for _, pid := range spawnMarked(marker) {
						_ = unix.Kill(pid, unix.SIGKILL)
					}
				})
				// In "exit" the command exits as soon as the loop ignores
				// SIGTERM, leaving it to the teardown.
				trapped := filepath.Join(t.TempDir(), "trapped")
				script := "(trap '' TERM; echo > " + trapped + "; while :; do sleep " + marker + " & done) & "
				if how == "exit" {
					script += "until [ -s " + trapped + " ]; do sleep 0.01; done; echo ready; exit 0"
				} else {
					script += "echo ready; exec sleep 1000"
				}
				s := spawnStartReady(t, nil, "spawn", "--", "sh", "-c", script)
				if how == "sigkill" {
					spawnEventually(t, "the loop forks", func() bool { return len(spawnMarked(marker)) >= 20 })
					if err := s.cmd.Process.Kill(); err != nil {
						t.Fatal(err)
					}
				}
				code := s.wait(t)
				if how == "exit" && code != 0 {
					t.Fatalf("nstui exit %d, want 0", code)
				}
				spawnEventually(t, "the init is gone", func() bool {
					_, st, ok := spawnStat(s.init)
					return !ok || st == 'Z'
				})
				if left := spawnMarked(marker); len(left) > 0 {
					t.Errorf("%d processes of the sandbox survived it: %v", len(left), left)
				}
			})
		}
	}
}

// TestSpawnParserStoppedOrKilled: nstui spawn's driver waits for its Go
// command line parser copy, which may be stopped or killed at any time. The
// parser is held in a write to a full stderr pipe (bad input: it has an
// error to print) while the test stops or kills it.
func TestSpawnParserStoppedOrKilled(t *testing.T) {
	testutil.RequireRoot(t)
	for _, how := range []string{"SIGKILL", "SIGSTOP+ctrl-z", "SIGSTOP+ctrl-c"} {
		t.Run(how, func(t *testing.T) {
			var p [2]int
			if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
				t.Fatal(err)
			}
			r, w := os.NewFile(uintptr(p[0]), "r"), os.NewFile(uintptr(p[1]), "w")
			defer r.Close()
			// Fill the pipe: the parser's error message blocks. Writes of
			// up to PIPE_BUF bytes are all or nothing, so 4 KiB writes stop
			// with up to 4 KiB free: fill that byte by byte.
			_ = unix.SetNonblock(p[1], true)
			for _, chunk := range []int{4096, 1} {
				for {
					if _, err := unix.Write(p[1], make([]byte, chunk)); err != nil {
						break
					}
				}
			}
			_ = unix.SetNonblock(p[1], false)
			marker := fmt.Sprintf("--bogus-parser-%d", time.Now().UnixNano())
			cmd := exec.Command(nstuiBinary, "spawn", marker)
			cmd.Env = append(os.Environ(), "_NSTUI_SPAWN_SLOW=1")
			cmd.Stderr = w
			// A group of its own: a stopped parser never shares ours (an
			// orphaned group with a stopped member gets SIGHUP).
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			w.Close()
			parser := 0
			t.Cleanup(func() {
				_ = cmd.Process.Kill()
				if parser > 0 {
					_ = unix.Kill(parser, unix.SIGKILL)
				}
				_ = cmd.Wait()
			})
			// The parser: the copy of nstui with the marker that runs Go
			// (more than one thread).
			spawnEventually(t, "the parser runs", func() bool {
				for _, pid := range spawnAllPids() {
					b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
					st, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
					if pid != cmd.Process.Pid && bytes.Contains(b, []byte(marker)) && !bytes.Contains(st, []byte("\nThreads:\t1\n")) {
						parser = pid
						return true
					}
				}
				return false
			})
			switch how {
			case "SIGKILL":
				_ = unix.Kill(parser, unix.SIGKILL)
			default: // stopped: what ctrl-z does to it (SIGTSTP to the group)
				_ = unix.Kill(parser, unix.SIGSTOP)
				spawnEventually(t, "the parser stopped", func() bool {
					_, st, ok := spawnStat(parser)
					return ok && st == 'T'
				})
			}
			switch how {
			case "SIGSTOP+ctrl-z": // the driver ignores the stop, and the parser goes on
				_ = unix.Kill(cmd.Process.Pid, unix.SIGTSTP)
			case "SIGSTOP+ctrl-c": // ctrl-c ends the driver (and the parser)
				_ = unix.Kill(cmd.Process.Pid, unix.SIGINT)
			}
			errC := make(chan []byte, 1)
			go func() { b, _ := io.ReadAll(r); errC <- b }()
			hung := time.AfterFunc(time.Minute, func() { // a hung driver fails the test, not the run
				t.Errorf("nstui still waiting for its parser after a minute")
				_ = unix.Kill(parser, unix.SIGKILL)
				_ = cmd.Process.Kill()
			})
			err := cmd.Wait()
			hung.Stop()
			b := <-errC
			errs := string(bytes.TrimLeft(b, "\x00"))
			code := cmd.ProcessState.ExitCode()
			switch how {
			case "SIGKILL":
				if code != 125 || errs != "nstui: spawn: the command line parser died (signal 9)\n" {
					t.Errorf("nstui: %v, stderr %q: want exit 125 and one line", err, errs)
				}
			case "SIGSTOP+ctrl-z":
				if code != 125 || !strings.Contains(errs, "unknown flag: "+marker) {
					t.Errorf("nstui: %v, stderr %q: want the parser's own error, exit 125", err, errs)
				}
			case "SIGSTOP+ctrl-c":
				if code != 130 {
					t.Errorf("nstui: %v, stderr %q: want exit 130", err, errs)
				}
				spawnEventually(t, "the parser is gone", func() bool {
					_, st, ok := spawnStat(parser)
					return !ok || st == 'Z'
				})
			}
		})
	}
}

// TestSpawnCommandDiesWithTheInit: without a pid namespace (where the
// kernel kills the namespace with its PID 1), a SIGKILL of the init itself
// must not leave the command running under the host's init.
func TestSpawnCommandDiesWithTheInit(t *testing.T) {
	testutil.RequireRoot(t)
	s := spawnStartReady(t, nil, "spawn", "--", "sh", "-c", "echo ready; exec sleep 1000")
	members := s.members()
	if len(members) != 1 {
		t.Fatalf("sandbox has %v, want the command alone", members)
	}
	t.Cleanup(func() { _ = unix.Kill(members[0], unix.SIGKILL) }) // s.kill finds it by the init
	if err := unix.Kill(s.init, unix.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if code := s.wait(t); code != 128+int(unix.SIGKILL) {
		t.Errorf("nstui exit %d, want %d (its init was killed)", code, 128+int(unix.SIGKILL))
	}
	spawnEventually(t, "the command is gone with its init", func() bool {
		_, st, ok := spawnStat(members[0])
		return !ok || st == 'Z'
	})
}

// TestSpawnStartedInTheBackground: `nstui spawn -- CMD &` from a job-control
// shell: the command reading the terminal stops the job as the shell sees
// it (as with unshare), and fg gives the command the terminal.
func TestSpawnStartedInTheBackground(t *testing.T) {
	testutil.RequireRoot(t)
	for _, flags := range [][]string{{"-p"}, {}} {
		t.Run(fmt.Sprint(flags), func(t *testing.T) {
			cmd, p := spawnOuterShell(t)
			p.send(t, nstuiBinary+" spawn "+strings.Join(flags, " ")+" -- sed -u s/^/got:/ &\n")
			p.expect(t, "OUTER$ ")
			// sed reads the terminal from the background: SIGTTIN stops it,
			// and nstui (the job bash knows) must stop too.
			var driver int
			spawnEventually(t, "nstui spawn started", func() bool {
				for _, pid := range spawnChildren(cmd.Process.Pid) {
					b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
					if strings.HasPrefix(string(b), nstuiBinary+"\x00spawn") {
						driver = pid
						return true
					}
				}
				return false
			})
			spawnEventually(t, "nstui spawn stopped like its command", func() bool {
				_, st, ok := spawnStat(driver)
				return ok && st == 'T'
			})
			p.send(t, "jobs\n")
			p.expect(t, "Stopped")
			p.expect(t, "OUTER$ ")
			p.send(t, "fg\n")
			p.expect(t, "sed -u s/^/got:/")
			p.send(t, "two\n")
			p.expect(t, "got:two")
			p.send(t, "\x04") // EOF ends sed
			p.expect(t, "OUTER$ ")
			p.send(t, "echo rc=$?\n")
			p.expect(t, "rc=0")
		})
	}
}

// TestSpawnRootProcDoesNotLeak: with --root whose proc directory is not a
// mount point, the fresh /proc cannot be made private; under a shared /
// (systemd's default, emulated here by unshare --propagation shared) it
// would propagate to the caller and outlive the sandbox. nstui refuses
// shared/unchanged there in one line; private is fine.
func TestSpawnRootProcDoesNotLeak(t *testing.T) {
	testutil.RequireRoot(t)
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "proc"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, prop := range []string{"shared", "unchanged", "private"} {
		t.Run(prop, func(t *testing.T) {
			script := nstuiBinary + " spawn --pid --mount --propagation " + prop + " --root " + root + ` -- /no-such-command
echo "rc=$?"; echo "leaked=$(grep -c ' ` + root + `/proc ' /proc/self/mountinfo)"`
			out, errs, code := spawnRunCmd(t, exec.Command("unshare", "--mount", "--propagation", "shared", "--", "sh", "-c", script))
			if code != 0 || !strings.Contains(out, "leaked=0\n") {
				t.Fatalf("exit %d, out %q, err %q: want no proc mount left in the caller's namespace", code, out, errs)
			}
			if prop == "private" {
				if !strings.Contains(out, "rc=127\n") {
					t.Errorf("out %q, err %q: want the sandbox to run (127: no such command)", out, errs)
				}
				return
			}
			if !strings.Contains(out, "rc=125\n") || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "is not a mount point") {
				t.Errorf("out %q, err %q: want exit 125 and one line", out, errs)
			}
		})
	}
}
