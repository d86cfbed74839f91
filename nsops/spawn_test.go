package nsops

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nstui/nstui/internal/testutil"
)

func TestSpawnValidate(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	spec := func(edit func(*SpawnSpec), types ...NSType) SpawnSpec {
		s := NewSpawnSpec(types...)
		if edit != nil {
			edit(&s)
		}
		return s
	}
	cases := []struct {
		name string
		spec SpawnSpec
		want string // "" = valid; else a substring of the one-line error
	}{
		{"nothing", spec(nil), ""},
		{"all", spec(nil, AllTypes()...), ""},
		{"bad type", spec(nil, NSType(42)), "unknown namespace type 42"},
		{"map-root without user", spec(func(s *SpawnSpec) { s.MapRootUser = true }, PIDNS), "--map-root-user only works with a new user namespace: add --user"},
		{"map-user without user", spec(func(s *SpawnSpec) { s.MapUser = 1000 }, NetNS), "--map-user only works with a new user namespace"},
		{"map-group without user", spec(func(s *SpawnSpec) { s.MapGroup = 0 }), "--map-group only works"},
		{"map-current without user", spec(func(s *SpawnSpec) { s.MapCurrentUser = true }), "--map-current-user only works"},
		{"setgroups without user", spec(func(s *SpawnSpec) { s.SetGroups = "deny" }), "--setgroups only works"},
		{"map root and current", spec(func(s *SpawnSpec) { s.MapRootUser, s.MapCurrentUser = true, true }, UserNS), "cannot be combined"},
		{"map root and user", spec(func(s *SpawnSpec) { s.MapRootUser, s.MapUser = true, 5 }, UserNS), "cannot be combined"},
		{"map user range", spec(func(s *SpawnSpec) { s.MapUser = -7 }, UserNS), "out of range"},
		{"map user ok", spec(func(s *SpawnSpec) { s.MapUser, s.MapGroup = 1000, 1000 }, UserNS), ""},
		{"setgroups bogus", spec(func(s *SpawnSpec) { s.SetGroups = "maybe" }, UserNS), `--setgroups "maybe": want allow or deny`},
		{"propagation bogus", spec(func(s *SpawnSpec) { s.Propagation = "rshared" }, MntNS), `--propagation "rshared": want private, shared, slave or unchanged`},
		{"propagation without mount", spec(func(s *SpawnSpec) { s.Propagation = "slave" }, NetNS), "add --mount"},
		{"propagation with pid implies mount", spec(func(s *SpawnSpec) { s.Propagation = "slave" }, PIDNS), ""},
		{"propagation with pid and no proc", spec(func(s *SpawnSpec) { s.Propagation, s.NoMountProc = "slave", true }, PIDNS), "add --mount"},
		{"hostname without uts", spec(func(s *SpawnSpec) { s.Hostname = "box" }, NetNS), "--hostname only works with a new uts namespace: add --uts"},
		{"hostname too long", spec(func(s *SpawnSpec) { s.Hostname = strings.Repeat("x", 65) }, UTSNS), "longer than 64"},
		{"hostname with control characters", spec(func(s *SpawnSpec) { s.Hostname = "ab\x01c\td" }, UTSNS), `--hostname "ab\x01c\td" is not a hostname`},
		{"hostname with a space", spec(func(s *SpawnSpec) { s.Hostname = "a b" }, UTSNS), "is not a hostname"},
		{"hostname label starts with -", spec(func(s *SpawnSpec) { s.Hostname = "a.-b" }, UTSNS), "is not a hostname"},
		{"hostname empty label", spec(func(s *SpawnSpec) { s.Hostname = "a..b" }, UTSNS), "is not a hostname"},
		{"hostname ok", spec(func(s *SpawnSpec) { s.Hostname = "Box-1.lab" }, UTSNS), ""},
		{"offsets without time", spec(func(s *SpawnSpec) { s.Monotonic = 5 }), "add --time"},
		{"offsets", spec(func(s *SpawnSpec) { s.Monotonic, s.Boottime = 5, -5 }, TimeNS), ""},
		{"empty command", spec(func(s *SpawnSpec) { s.Args = []string{""} }), "empty command name"},
		{"root missing", spec(func(s *SpawnSpec) { s.Root = filepath.Join(dir, "nope") }), "no such directory"},
		{"root is a file", spec(func(s *SpawnSpec) { s.Root = file }), "not a directory"},
		{"root ok", spec(func(s *SpawnSpec) { s.Root = dir }), ""},
		{"wd missing in root", spec(func(s *SpawnSpec) { s.Root, s.Wd = dir, "/nope" }), "--wd /nope: no such directory"},
		{"wd ok in root", spec(func(s *SpawnSpec) { s.Root, s.Wd = "/", dir }), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.spec.Validate()
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case c.want != "" && err == nil:
				t.Fatalf("Validate() = nil, want %q", c.want)
			case c.want != "" && !strings.Contains(err.Error(), c.want):
				t.Fatalf("Validate() = %q, want it to contain %q", err, c.want)
			case err != nil && strings.Contains(err.Error(), "\n"):
				t.Fatalf("error is not one line: %q", err)
			}
			if c.want != "" {
				if _, cerr := c.spec.Command(); cerr == nil {
					t.Fatal("Command() accepted a spec Validate rejects")
				}
			}
		})
	}
}

func TestSpawnEquivalent(t *testing.T) {
	cases := []struct {
		name string
		spec SpawnSpec
		want string
	}{
		{"bench", NewSpawnSpec(PIDNS, NetNS, MntNS, UTSNS, IPCNS, CgroupNS),
			`unshare --cgroup --ipc --mount --net --pid --uts --fork --kill-child --mount-proc sh -c 'ip link set lo up && exec "${SHELL:-/bin/sh}"'`},
		{"pid no proc", func() SpawnSpec { s := NewSpawnSpec(PIDNS); s.NoMountProc = true; s.Args = []string{"true"}; return s }(),
			`unshare --pid --fork --kill-child true`},
		{"net no lo, quoted args", func() SpawnSpec {
			s := NewSpawnSpec(NetNS)
			s.NoLo = true
			s.Args = []string{"sh", "-c", "echo it's"}
			return s
		}(), `unshare --net --fork --kill-child sh -c 'echo it'\''s'`},
		{"user default maps root", NewSpawnSpec(UserNS), `unshare --user --fork --kill-child --map-root-user`},
		{"everything", func() SpawnSpec {
			s := NewSpawnSpec(UserNS, UTSNS, TimeNS, MntNS, NetNS)
			s.MapUser, s.MapGroup, s.SetGroups = 1000, 100, "deny"
			s.Hostname = "my box"
			s.Propagation = "slave"
			s.Root, s.Wd = "/srv/root", "/tmp"
			s.Monotonic, s.Boottime = 3600, -60
			s.Args = []string{"id", "-u"}
			return s
		}(), `unshare --mount --net --time --user --uts --fork --kill-child --map-user=1000 --map-group=100 --setgroups=deny ` +
			`--propagation=slave --root=/srv/root --wd=/tmp --monotonic=3600 --boottime=-60 ` +
			`sh -c 'hostname '\''my box'\'' && ip link set lo up && exec "$@"' sh id -u`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.spec.Equivalent(); got != c.want {
				t.Fatalf("Equivalent()\n got %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestSpawnCommandAttrs(t *testing.T) {
	s := NewSpawnSpec(PIDNS, NetNS, TimeNS, UserNS)
	s.Args = []string{"true"}
	s.Env = []string{"A=1", "_NSTUI_OTHER=x", "SHELL=/bin/bash"}
	s.Exe = "/bin/false"
	cmd, err := s.Command()
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, f := range cmd.ExtraFiles {
			f.Close()
		}
	}()
	attr := cmd.SysProcAttr
	// pid implies mnt; time is created by the init itself, never by clone.
	want := uintptr(unix.CLONE_NEWPID | unix.CLONE_NEWNET | unix.CLONE_NEWNS | unix.CLONE_NEWUSER)
	if attr.Cloneflags != want {
		t.Errorf("Cloneflags = %#x, want %#x", attr.Cloneflags, want)
	}
	wantU := []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
	if len(attr.UidMappings) != 1 || attr.UidMappings[0] != wantU[0] {
		t.Errorf("UidMappings = %+v, want %+v", attr.UidMappings, wantU)
	}
	if attr.Setpgid || attr.Setsid || attr.Pdeathsig != 0 {
		t.Errorf("Setpgid/Setsid/Pdeathsig are the caller's to choose, got %+v", attr)
	}
	if cmd.Path != "/bin/false" || cmd.Args[len(cmd.Args)-1] != "true" {
		t.Errorf("Path %q Args %q", cmd.Path, cmd.Args)
	}
	var initVars int
	for _, kv := range cmd.Env {
		if strings.HasPrefix(kv, "_NSTUI_OTHER") {
			t.Errorf("internal variable passed on: %s", kv)
		}
		if strings.HasPrefix(kv, InitEnv+"=") {
			initVars++
		}
	}
	if initVars != 1 {
		t.Errorf("%d %s variables, want 1", initVars, InitEnv)
	}
	// ExtraFiles[0] must be a pidfd of this very process.
	if len(cmd.ExtraFiles) != 1 {
		t.Fatalf("ExtraFiles = %v", cmd.ExtraFiles)
	}
	fdinfo, err := os.ReadFile("/proc/self/fdinfo/" + strconv.Itoa(int(cmd.ExtraFiles[0].Fd())))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(fdinfo), "Pid:\t"+strconv.Itoa(os.Getpid())+"\n") {
		t.Errorf("ExtraFiles[0] is not a pidfd of pid %d:\n%s", os.Getpid(), fdinfo)
	}
}

func TestSpawnDefaultShell(t *testing.T) {
	s := NewSpawnSpec()
	s.Env = []string{"SHELL=/bin/zsh"}
	if got := s.shellCommand(); len(got) != 1 || got[0] != "/bin/zsh" {
		t.Errorf("shellCommand() = %q, want [/bin/zsh]", got)
	}
	s.Env = []string{"PATH=/bin"}
	if got := s.shellCommand(); len(got) != 1 || got[0] != "/bin/sh" {
		t.Errorf("shellCommand() = %q, want [/bin/sh]", got)
	}
}

// BenchmarkSpawnTUIPath measures what the TUI pays per sandbox: Command,
// Start and Wait from an already running process (one start of the nstui
// binary, as init), next to util-linux unshare doing the same namespaces.
func BenchmarkSpawnTUIPath(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root")
	}
	exe, err := testutil.BuildNstui(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("nsops", func(b *testing.B) {
		s := NewSpawnSpec(PIDNS, NetNS, MntNS, UTSNS, IPCNS, CgroupNS)
		s.Args = []string{"true"}
		s.Exe = exe
		for b.Loop() {
			cmd, err := s.Command()
			if err != nil {
				b.Fatal(err)
			}
			err = cmd.Start()
			for _, f := range cmd.ExtraFiles {
				f.Close()
			}
			if err != nil {
				b.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unshare", func(b *testing.B) {
		for b.Loop() {
			if out, err := exec.Command("unshare", "--pid", "--net", "--mount", "--uts", "--ipc", "--cgroup", "--fork", "--mount-proc", "true").CombinedOutput(); err != nil {
				b.Fatalf("%v %s", err, out)
			}
		}
	})
}

// TestSpawnCommandRunsTheCInit checks the exec mode the TUI's panes use:
// Command re-executes nstui, whose C constructor is the init (PID 1, one
// thread, named nstui-init), which reaps orphans and forwards a signal to
// the command exactly once.
func TestSpawnCommandRunsTheCInit(t *testing.T) {
	testutil.RequireRoot(t)
	exe, err := testutil.BuildNstui(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := NewSpawnSpec(PIDNS)
	s.Exe = exe
	// Orphans that exit while the command lives must not stay zombies;
	// then SIGTERM (sent to the init) reaches the trap once.
	s.Args = []string{"sh", "-c", `trap 'echo TERM; exit 9' TERM
echo "threads=$(grep Threads: /proc/1/status | cut -f2) comm=$(cat /proc/1/comm)"
i=0; while [ $i -lt 50 ]; do (sleep 0.1 &); i=$((i+1)); done; sleep 0.5
echo "zombies=$(grep -l '^State:.Z' /proc/[0-9]*/status 2>/dev/null | wc -l)"
echo ready; while :; do sleep 0.05; done`}
	cmd, err := s.Command()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	err = cmd.Start()
	for _, f := range cmd.ExtraFiles {
		f.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	var got strings.Builder
	buf := make([]byte, 4096)
	for !strings.Contains(got.String(), "ready\n") {
		n, err := out.Read(buf)
		got.Write(buf[:n])
		if err != nil {
			t.Fatalf("read: %v (got %q)", err, got.String())
		}
	}
	if err := cmd.Process.Signal(unix.SIGTERM); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(out)
	got.Write(rest)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 9 {
		t.Errorf("init exit: %v, want status 9 (the command's)", err)
	}
	text := got.String()
	for _, want := range []string{"threads=1 comm=nstui-init\n", "zombies=0\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("output %q lacks %q", text, want)
		}
	}
	if n := strings.Count(text, "TERM\n"); n != 1 {
		t.Errorf("command saw SIGTERM %d times, want once: %q", n, text)
	}
}

func TestSpawnDriverRequest(t *testing.T) {
	s := NewSpawnSpec(PIDNS, UserNS, TimeNS)
	s.MapRootUser = true
	s.Hostname = ""
	s.Monotonic = 7
	s.Args = []string{"sh", "-c", "echo a b"}
	s.Env = []string{"A=1", "_NSTUI_X=2", "B=x y"}
	req, err := s.DriverRequest()
	if err != nil {
		t.Fatal(err)
	}
	if len(req) == 0 || req[len(req)-1] != 0 {
		t.Fatalf("request %q does not end in NUL", req)
	}
	got := strings.Split(string(req[:len(req)-1]), "\x00")
	flags := strconv.Itoa(unix.CLONE_NEWPID | unix.CLONE_NEWNS | unix.CLONE_NEWUSER)
	uid, gid := os.Geteuid(), os.Getegid()
	want := []string{"run", flags, "0 " + strconv.Itoa(uid) + " 1\n", "0 " + strconv.Itoa(gid) + " 1\n", "",
		"mnt=1 prop=private proc=1 time=1 mono=7 boot=0 grace=1000",
		"3", "sh", "-c", "echo a b", "2", "A=1", "B=x y"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("request\n got %q\nwant %q", got, want)
	}
	s.Args = []string{"x\x00y"}
	if _, err := s.DriverRequest(); err == nil {
		t.Error("a NUL in the command line: no error")
	}
}
