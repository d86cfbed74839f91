package nsops

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nstui/nstui/internal/testutil"
	"golang.org/x/sys/unix"
)

func TestEnterParseNSRef(t *testing.T) {
	for _, c := range []struct {
		in   string
		want NSRef
		ok   bool
	}{
		{"net:4026531840", NSRef{NetNS, 4026531840}, true},
		{"mnt:[4026531841]", NSRef{MntNS, 4026531841}, true},
		{"mount:12", NSRef{MntNS, 12}, true},
		{"user:0", NSRef{}, false},
		{"net:", NSRef{}, false},
		{"net:abc", NSRef{}, false},
		{"4026531840", NSRef{}, false},
		{"bogus:1", NSRef{}, false},
	} {
		got, err := ParseNSRef(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseNSRef(%q) = %v, %v; want %v ok=%v", c.in, got, err, c.want, c.ok)
		}
		if c.ok && got.String() != fmt.Sprintf("%s:%d", c.want.Type, c.want.Ino) {
			t.Errorf("String() = %q", got.String())
		}
	}
}

func TestEnterValidate(t *testing.T) {
	ok := NewEnterSpec(1)
	for _, c := range []struct {
		name string
		edit func(*EnterSpec)
		want string // "" = valid
	}{
		{"pid all", func(*EnterSpec) {}, ""},
		{"pid types", func(s *EnterSpec) { s.All = false; s.Types = []NSType{NetNS, UTSNS} }, ""},
		{"path", func(s *EnterSpec) { *s = pathSpec("/run/netns/x") }, ""},
		{"ref", func(s *EnterSpec) { *s = refSpec(NetNS, 5) }, ""},
		{"paths only", func(s *EnterSpec) { *s = pathsSpec(map[NSType]string{NetNS: "/x"}) }, ""},
		// A namespace file or TYPE:INODE is one namespace: a type option
		// for another type has nothing to enter, unless it has a file.
		{"ref, its own type", func(s *EnterSpec) { *s = refSpec(NetNS, 5); s.Types = []NSType{NetNS} }, ""},
		{"ref, another type with a file", func(s *EnterSpec) {
			*s = refSpec(NetNS, 5)
			s.Paths = map[NSType]string{MntNS: "/proc/9/ns/mnt"}
		}, ""},
		{"ref, another type", func(s *EnterSpec) { *s = refSpec(NetNS, 5); s.Types = []NSType{NetNS, MntNS} },
			"--mount has nothing to enter: net:5 is a net namespace (give --mount=FILE, or -t PID for a process's)"},
		{"ref, a second of its type", func(s *EnterSpec) { *s = refSpec(NetNS, 5); s.Paths = map[NSType]string{NetNS: "/x"} },
			"--net=/x and net:5 are two net namespaces: give one"},
		{"ref, all", func(s *EnterSpec) { *s = refSpec(NetNS, 5); s.All = true }, "--all enters every namespace of a process: it needs a target pid"},
		{"path, all", func(s *EnterSpec) { *s = pathSpec("/x"); s.All = true }, "--all enters every namespace of a process"},
		// A file's type is known once it is open (the plan checks it).
		{"path, a type", func(s *EnterSpec) { *s = pathSpec("/x"); s.Types = []NSType{MntNS} }, ""},
		{"paths only, a bare type", func(s *EnterSpec) { *s = pathsSpec(map[NSType]string{NetNS: "/x"}); s.Types = []NSType{UTSNS} },
			"--uts has nothing to enter: give --uts=FILE, or a target pid (-t PID)"},
		{"paths only, all", func(s *EnterSpec) { *s = pathsSpec(map[NSType]string{NetNS: "/x"}); s.All = true }, "--all enters every namespace"},
		{"negative pid", func(s *EnterSpec) { s.Target = -3 }, "invalid target pid -3"},
		{"no target", func(s *EnterSpec) { s.Target = 0 }, "no target"},
		{"two targets", func(s *EnterSpec) { s.TargetPath = "/x" }, "give one target"},
		{"no types", func(s *EnterSpec) { s.All = false }, "no namespace type"},
		{"bad type", func(s *EnterSpec) { s.Types = []NSType{42} }, "invalid namespace type 42"},
		{"empty path", func(s *EnterSpec) { s.Paths = map[NSType]string{NetNS: ""} }, "empty path"},
		{"root= without pid", func(s *EnterSpec) { *s = pathSpec("/x"); s.Root = EnterTargetDir }, "need a target pid"},
		{"env without pid", func(s *EnterSpec) { *s = pathSpec("/x"); s.Env = true }, "needs a target pid"},
		{"bad uid", func(s *EnterSpec) { s.UID = -2 }, "uid -2: want a number from 0 to 4294967294 (or -1 to leave it)"},
		{"uid past uid_t", func(s *EnterSpec) { s.UID = 1 << 32 }, "uid 4294967296: want a number from 0 to 4294967294 (or -1 to leave it)"},
		{"gid (uid_t)-1", func(s *EnterSpec) { s.GID = 1<<32 - 1 }, "gid 4294967295: want a number from 0 to 4294967294"},
		{"largest uid", func(s *EnterSpec) { s.UID = 1<<32 - 2 }, ""},
		{"empty command", func(s *EnterSpec) { s.Args = []string{""} }, "empty command"},
	} {
		s := ok
		c.edit(&s)
		err := s.Validate()
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: Validate() = %v, want %q", c.name, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error spans lines: %q", c.name, err)
		}
	}
}

// pathSpec, refSpec and pathsSpec are specs with a namespace-file target, a
// TYPE:INODE target, and only per-type files.
func pathSpec(path string) EnterSpec { return EnterSpec{TargetPath: path, UID: -1, GID: -1} }

func refSpec(t NSType, ino uint64) EnterSpec {
	return EnterSpec{TargetNS: NSRef{t, ino}, UID: -1, GID: -1}
}

func pathsSpec(paths map[NSType]string) EnterSpec { return EnterSpec{Paths: paths, UID: -1, GID: -1} }

// TestEnterIDError: Validate names the bad id alone, and a caller that took
// it from an option can name the option instead (the CLI's -S/--setuid).
func TestEnterIDError(t *testing.T) {
	s := NewEnterSpec(1)
	s.GID = 1 << 32
	var idErr *IDError
	if err := s.Validate(); !errors.As(err, &idErr) || !idErr.Group || idErr.ID != 1<<32 {
		t.Fatalf("Validate() = %#v, want an *IDError for gid 4294967296", err)
	}
	idErr.Name = "-G/--setgid"
	if want := "-G/--setgid 4294967296: want a number from 0 to 4294967294 (or -1 to leave it)"; idErr.Error() != want {
		t.Fatalf("renamed: %q, want %q", idErr.Error(), want)
	}
}

// TestEnterFileTargetTypes: a namespace file's type is checked once it is
// open, the same way for the run (the plan) and for --print-equivalent.
func TestEnterFileTargetTypes(t *testing.T) {
	net := fmt.Sprintf("/proc/%d/ns/net", os.Getpid())
	mnt := fmt.Sprintf("/proc/%d/ns/mnt", os.Getpid())
	for _, c := range []struct {
		name  string
		spec  EnterSpec
		equiv string // Equivalent()
		err   string // from the plan and EquivalentError; "" = none
	}{
		{"its own type", EnterSpec{TargetPath: net, Types: []NSType{NetNS}, UID: -1, GID: -1}, "nsenter --net=" + net, ""},
		{"another type with a file", EnterSpec{TargetPath: net, Paths: map[NSType]string{MntNS: mnt}, UID: -1, GID: -1},
			"nsenter --mount=" + mnt + " --net=" + net, ""},
		{"another type", EnterSpec{TargetPath: net, Types: []NSType{NetNS, MntNS}, UID: -1, GID: -1},
			"# no nsenter equivalent: --mount has nothing to enter: " + net + " is a net namespace (give --mount=FILE, or -t PID for a process's)",
			"--mount has nothing to enter: " + net + " is a net namespace (give --mount=FILE, or -t PID for a process's)"},
		{"a second of its type", EnterSpec{TargetPath: net, Paths: map[NSType]string{NetNS: "/run/netns/x"}, UID: -1, GID: -1},
			"# no nsenter equivalent: --net=/run/netns/x and " + net + " are two net namespaces: give one",
			"--net=/run/netns/x and " + net + " are two net namespaces: give one"},
		{"not a namespace", EnterSpec{TargetPath: "/etc/hostname", Types: []NSType{UTSNS}, UID: -1, GID: -1},
			"# no nsenter equivalent: ioctl(NS_GET_NSTYPE) on /etc/hostname: ENOTTY (inappropriate ioctl for device): not a namespace file (want /proc/PID/ns/TYPE, /run/netns/NAME or an nsfs bind mount)",
			"ioctl(NS_GET_NSTYPE) on /etc/hostname: ENOTTY"},
	} {
		if err := c.spec.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v; the file's type is checked later", c.name, err)
		}
		if got := c.spec.Equivalent(); got != c.equiv {
			t.Errorf("%s: Equivalent() =\n %s\nwant\n %s", c.name, got, c.equiv)
		}
		eqErr := c.spec.EquivalentError()
		p, planErr := c.spec.plan()
		if planErr == nil {
			p.close()
		}
		for what, err := range map[string]error{"EquivalentError": eqErr, "plan": planErr} {
			if (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: %s: %v, want %q", c.name, what, err, c.err)
			}
		}
		if eqErr != nil && planErr != nil && eqErr.Error() != planErr.Error() {
			t.Errorf("%s: the run says %q, --print-equivalent %q", c.name, planErr, eqErr)
		}
	}
}

func TestEnterEquivalent(t *testing.T) {
	ownNet := fmt.Sprintf("/proc/%d/ns/net", os.Getpid())
	for _, c := range []struct {
		spec EnterSpec
		want string
	}{
		{NewEnterSpec(42), "nsenter --target 42 --all"},
		{EnterSpec{Target: 7, Types: []NSType{UTSNS, MntNS}, Root: EnterTargetDir, Wd: "/my dir", UID: 0, GID: -1,
			PreserveCredentials: true, Env: true, Args: []string{"sh", "-c", "echo 'hi'"}},
			`nsenter --target 7 --mount --uts --root '--wd=/my dir' --setuid 0 --preserve-credentials --env -- sh -c 'echo '\''hi'\'''`},
		{EnterSpec{TargetPath: ownNet, UID: -1, GID: -1}, "nsenter --net=" + ownNet}, // the kernel says it is net
		{EnterSpec{Target: 9, Paths: map[NSType]string{NetNS: "/run/netns/red"}, Types: []NSType{PIDNS}, UID: -1, GID: 5},
			"nsenter --target 9 --net=/run/netns/red --pid --setgid 5"},
		{EnterSpec{TargetNS: NSRef{UserNS, 99}, UID: -1, GID: -1,
			Snapshot: &Snapshot{Namespaces: []*Namespace{{Type: UserNS, ID: NSID{Ino: 99}, Path: "/proc/5/fd/4"}}}},
			"nsenter --user=/proc/5/fd/4"},
	} {
		if got := c.spec.Equivalent(); got != c.want {
			t.Errorf("Equivalent() =\n %s\nwant\n %s", got, c.want)
		}
	}
}

// TestEnterEquivalentUnreachable: nsenter opens namespaces by file only, so a
// TYPE:INODE target with no path has no equivalent line; Equivalent says why
// as a shell comment and EquivalentError as one line.
func TestEnterEquivalentUnreachable(t *testing.T) {
	snap := &Snapshot{Namespaces: []*Namespace{
		{Type: NetNS, ID: NSID{Ino: 5}, Holders: []Holder{{Kind: HeldBySocket, PID: 9865, FD: 5, Path: "/proc/9865/fd/5"}}},
		{Type: NetNS, ID: NSID{Ino: 6}, Holders: []Holder{{Kind: HeldBySocket, PID: 7, FD: 3}, {Kind: HeldBySocket, PID: 8, FD: 4}}},
		{Type: NetNS, ID: NSID{Ino: 7}, Path: "/run/netns/blue",
			Holders: []Holder{{Kind: HeldByBindMount, Path: "/run/netns/blue"}, {Kind: HeldBySocket, PID: 7, FD: 9}}},
		{Type: UserNS, ID: NSID{Ino: 8}, Holders: []Holder{{Kind: HeldByChild, Child: NSID{Ino: 9}}}},
		{Type: UserNS, ID: NSID{Ino: 9}, Path: "/proc/1/ns/user"},
	}}
	spec := func(ref NSRef) EnterSpec {
		return EnterSpec{TargetNS: ref, Snapshot: snap, UID: -1, GID: -1, Args: []string{"ss", "-tln"}}
	}
	for _, c := range []struct {
		ref        NSRef
		equiv, err string // err "" = Equivalent is an nsenter line
	}{
		{NSRef{NetNS, 5},
			"# no nsenter equivalent: net namespace 5 is held only by a socket (fd 5 of pid 9865), and nsenter can only open namespace files",
			"net namespace 5 is held only by a socket (fd 5 of pid 9865): nsenter cannot reach it; use nstui enter"},
		{NSRef{NetNS, 6},
			"# no nsenter equivalent: net namespace 6 is held only by 2 sockets (fd 3 of pid 7, ...), and nsenter can only open namespace files",
			"net namespace 6 is held only by 2 sockets (fd 3 of pid 7, ...): nsenter cannot reach it; use nstui enter"},
		{NSRef{NetNS, 7}, "nsenter --net=/run/netns/blue -- ss -tln", ""},
		{NSRef{UserNS, 8},
			"# no nsenter equivalent: user namespace 8 is held only by its child namespace user:9, and nsenter can only open namespace files",
			"user namespace 8 is held only by its child namespace user:9: nsenter cannot reach it; use nstui enter"},
		{NSRef{NetNS, 1},
			"# no nsenter equivalent: namespace net:1 not found: it is gone, or run as root to see it (nstui ls)",
			"namespace net:1 not found: it is gone, or run as root to see it (nstui ls)"},
	} {
		s := spec(c.ref)
		if got := s.Equivalent(); got != c.equiv {
			t.Errorf("%s: Equivalent() =\n %s\nwant\n %s", c.ref, got, c.equiv)
		}
		err := s.EquivalentError()
		if (err == nil) != (c.err == "") || err != nil && err.Error() != c.err {
			t.Errorf("%s: EquivalentError() = %v, want %q", c.ref, err, c.err)
		}
	}
	// Other targets always have a line.
	if err := NewEnterSpec(42).EquivalentError(); err != nil {
		t.Errorf("pid target: %v", err)
	}
}

// TestEnterSocketHeldNetNS enters a network namespace only a socket holds
// (ours): the plan opens it through a copy of the socket (pidfd_getfd +
// SIOCGSKNS) and hands the namespace, not the socket, to the helper.
func TestEnterSocketHeldNetNS(t *testing.T) {
	testutil.RequireRoot(t)
	sock, id := socketHeldNetNS(t)
	want := fmt.Sprintf("net:[%d]", id.Ino)
	spec := EnterSpec{TargetNS: NSRef{NetNS, id.Ino}, UID: -1, GID: -1, Exe: "/proc/self/exe", // the helper is linked in
		Args: []string{"sh", "-c", "readlink /proc/self/ns/net; ls -l /proc/self/fd"}}
	cmd, err := spec.Command() // no snapshot: it scans
	if err != nil {
		t.Fatal(err)
	}
	if len(cmd.ExtraFiles) != 1 {
		t.Fatalf("ExtraFiles = %d, want the namespace only", len(cmd.ExtraFiles))
	}
	if link, _ := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", cmd.ExtraFiles[0].Fd())); link != want {
		t.Fatalf("the helper would get %q, want %q", link, want)
	}
	out, err := cmd.Output()
	for _, f := range cmd.ExtraFiles {
		f.Close()
	}
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	got, fds, _ := strings.Cut(string(out), "\n")
	if got != want {
		t.Fatalf("inside: %q, want %q", got, want)
	}
	if strings.Contains(fds, "socket:") || strings.Contains(fds, "net:[") {
		t.Errorf("the command inherited the namespace or a socket:\n%s", fds)
	}
	// Gone with its socket: the error names the namespace, on one line.
	sock.Close()
	_, err = spec.Command()
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("net:%d", id.Ino)) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("after the socket closed: %v", err)
	}
}

func TestEnterConfigLine(t *testing.T) {
	// The protocol line the C constructor parses (nsops/nsenter/nsenter.c).
	p := &enterPlan{pidfd: 0, pidflags: NetNS.CloneFlag() | UTSNS.CloneFlag(), root: 2, wd: -1,
		ns: []enterNSFile{{file: 1, t: UserNS}}, uid: 0, gid: 0, groups: true, fork: true}
	got := p.config([]int{3, 4, 5})
	want := "pidfd=3:0x44000000 ns=4:0x10000000 root=5 uid=0 gid=0 groups=1 fork=1 shell=0"
	if got != want {
		t.Fatalf("config = %q, want %q", got, want)
	}
	ns := []enterNSFile{{t: MntNS}, {t: NetNS}, {t: UserNS}, {t: CgroupNS}}
	sortNSFiles(ns)
	var order []string
	for _, n := range ns {
		order = append(order, n.t.String())
	}
	if strings.Join(order, ",") != "user,cgroup,net,mnt" {
		t.Fatalf("order %v, want nsenter's: user first, mnt late", order)
	}
}

func TestEnterCommandOpensTargetsFirst(t *testing.T) {
	testutil.RequireRoot(t)
	target := exec.Command("unshare", "--net", "--uts", "sleep", "1000")
	if err := target.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { target.Process.Kill(); target.Wait() })
	pid := target.Process.Pid
	// Wait until unshare has exec'd sleep in its new namespaces (setup only).
	for i := 0; i < 500; i++ {
		if a, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); strings.HasSuffix(a, "/sleep") {
			break
		}
		unix.Nanosleep(&unix.Timespec{Nsec: 10e6}, nil)
	}
	spec := NewEnterSpec(pid)
	spec.Exe = "/bin/true"
	spec.Root, spec.Wd = EnterTargetDir, "/tmp"
	cmd, err := spec.Command()
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, f := range cmd.ExtraFiles {
			f.Close()
		}
	}()
	// A pidfd for the target, its root and the working directory are open
	// in our process already; the helper gets them as fds 3, 4, 5.
	if len(cmd.ExtraFiles) != 3 {
		t.Fatalf("ExtraFiles = %d, want pidfd, root, wd", len(cmd.ExtraFiles))
	}
	link, _ := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", cmd.ExtraFiles[0].Fd()))
	if link != "anon_inode:[pidfd]" {
		t.Fatalf("first file is %q, want a pidfd", link)
	}
	var env string
	for _, kv := range cmd.Env {
		if v, ok := strings.CutPrefix(kv, EnterEnv+"="); ok {
			env = v
		}
	}
	// Only the types the target does not share with us: net and uts.
	want := fmt.Sprintf("pidfd=3:%#x root=4 wd=5 uid=-1 gid=-1 groups=0 fork=0 shell=1", NetNS.CloneFlag()|UTSNS.CloneFlag())
	if env != want {
		t.Fatalf("%s=%q, want %q", EnterEnv, env, want)
	}
	if cmd.Args[0] != EnterHelperArg0 || len(cmd.Args) != 2 {
		t.Fatalf("args %q, want the helper name and the default shell", cmd.Args)
	}
}

func TestEnterCommandErrors(t *testing.T) {
	testutil.RequireRoot(t)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	spec := NewEnterSpec(dead.Process.Pid)
	_, err := spec.Command()
	var ee *EnterError
	if !errors.As(err, &ee) || !errors.Is(err, unix.ESRCH) {
		t.Fatalf("dead pid: %v, want an EnterError wrapping ESRCH", err)
	}
	if !strings.Contains(err.Error(), "pidfd_open") || !strings.Contains(err.Error(), "ESRCH") || !strings.Contains(err.Error(), "target exited") {
		t.Fatalf("dead pid: %q should name the syscall, ESRCH and the reason", err)
	}
	_, err = EnterSpec{TargetPath: "/etc/hostname", UID: -1, GID: -1}.Command()
	if !errors.Is(err, unix.ENOTTY) || !strings.Contains(err.Error(), "not a namespace file") {
		t.Fatalf("plain file: %v", err)
	}
}

// TestEnterNamespaceFilesFallback joins every type through /proc/PID/ns files
// instead of setns(pidfd), the path kernels before 5.8 take, and checks that
// the pidfd (kept only to pin the process) does not reach the command.
func TestEnterNamespaceFilesFallback(t *testing.T) {
	testutil.RequireRoot(t)
	target := exec.Command("unshare", "--kill-child", "--user", "--map-root-user", "--pid", "--fork",
		"--mount", "--mount-proc", "--uts", "--ipc", "--net", "--cgroup", "--time", "sleep", "1000")
	if err := target.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { target.Process.Kill(); target.Wait() })
	pid := 0
	for i := 0; i < 1000 && pid == 0; i++ { // setup: wait for the inner sleep
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", target.Process.Pid, target.Process.Pid))
		if f := strings.Fields(string(b)); len(f) > 0 {
			if c, _ := os.ReadFile("/proc/" + f[0] + "/comm"); string(c) == "sleep\n" {
				fmt.Sscan(f[0], &pid)
			}
		}
		unix.Nanosleep(&unix.Timespec{Nsec: 10e6}, nil)
	}
	if pid == 0 {
		t.Fatal("target did not start")
	}
	spec := NewEnterSpec(pid)
	spec.Exe = "/proc/self/exe" // this test binary links the helper (enter_helper_test.go)
	var script strings.Builder
	for _, ty := range AllTypes() {
		fmt.Fprintf(&script, "readlink /proc/self/ns/%s; ", ty)
	}
	script.WriteString("ls -l /proc/self/fd")
	spec.Args = []string{"sh", "-c", script.String()}
	p, err := spec.planWith(enterKernel{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.ns) != NumTypes || p.pidflags != 0 {
		t.Fatalf("plan: %d namespace files, pid flags %#x; want %d files and no pidfd setns", len(p.ns), p.pidflags, NumTypes)
	}
	cmd := p.command()
	out, err := cmd.Output()
	p.close()
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	lines := strings.SplitN(string(out), "\n", NumTypes+1)
	for i, ty := range AllTypes() {
		if link, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, ty)); lines[i] != link {
			t.Errorf("%s inside: %q, want %q", ty, lines[i], link)
		}
	}
	// The command's descriptors (ls -l): none of the helper's.
	fds := lines[NumTypes]
	for _, bad := range append([]string{"pidfd"}, nsTypeLinks()...) {
		if strings.Contains(fds, bad) {
			t.Errorf("the command inherited a helper fd (%s):\n%s", bad, fds)
		}
	}
}

// startSleeper starts argv (unshare ... sleep 1000) and returns the pid of
// the sleep it runs: argv itself once it exec'd sleep, or its child (after
// --fork). Cleanup kills both by pid.
func startSleeper(t *testing.T, argv ...string) int {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := 0
	t.Cleanup(func() {
		if pid > 0 && pid != cmd.Process.Pid {
			unix.Kill(pid, unix.SIGKILL)
		}
		cmd.Process.Kill()
		cmd.Wait()
	})
	comm := func(p string) string {
		b, _ := os.ReadFile("/proc/" + p + "/comm")
		return strings.TrimSpace(string(b))
	}
	// Setup only: wait for sleep to run in its namespaces.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		self := fmt.Sprint(cmd.Process.Pid)
		b, _ := os.ReadFile("/proc/" + self + "/task/" + self + "/children")
		for _, p := range append([]string{self}, strings.Fields(string(b))...) {
			if comm(p) == "sleep" {
				fmt.Sscan(p, &pid)
				return pid
			}
		}
	}
	t.Fatalf("%v: sleep did not start", argv)
	return 0
}

// TestEnterEquivalentLine: the checked line names exactly the namespaces the
// run joins. Those we are already in are left out (nstui never joins them,
// even when a type option or a file names them), and --all stays only
// where nsenter --all joins the same set: every type but our own user
// namespace. Equivalent renders the spec as written.
func TestEnterEquivalentLine(t *testing.T) {
	testutil.RequireRoot(t)
	uts := startSleeper(t, "unshare", "--uts", "sleep", "1000")
	noUser := startSleeper(t, "unshare", "--kill-child", "--pid", "--fork", "--mount", "--mount-proc",
		"--uts", "--ipc", "--net", "--cgroup", "--time", "sleep", "1000")
	every := startSleeper(t, "unshare", "--kill-child", "--user", "--map-root-user", "--pid", "--fork",
		"--mount", "--mount-proc", "--uts", "--ipc", "--net", "--cgroup", "--time", "sleep", "1000")
	self := os.Getpid()
	ownNet := fmt.Sprintf("/proc/%d/ns/net", self)
	withTypes := func(pid int, ts ...NSType) EnterSpec {
		s := NewEnterSpec(pid)
		s.All, s.Types = false, ts
		return s
	}
	withPaths := func(s EnterSpec, paths map[NSType]string) EnterSpec {
		s.Paths = paths
		return s
	}
	for _, c := range []struct {
		name       string
		spec       EnterSpec
		line, asIs string // EquivalentLine, Equivalent
	}{
		{"all, one differs", NewEnterSpec(uts), fmt.Sprintf("nsenter --target %d --uts", uts), fmt.Sprintf("nsenter --target %d --all", uts)},
		{"explicit, ours left out", withTypes(uts, UserNS, MntNS, UTSNS),
			fmt.Sprintf("nsenter --target %d --uts", uts), fmt.Sprintf("nsenter --target %d --mount --user --uts", uts)},
		{"all, ours", NewEnterSpec(self), fmt.Sprintf("nsenter --target %d", self), fmt.Sprintf("nsenter --target %d --all", self)},
		{"all, every type differs", NewEnterSpec(every), fmt.Sprintf("nsenter --target %d --all", every), fmt.Sprintf("nsenter --target %d --all", every)},
		// nsenter --all leaves out our own user namespace too.
		{"all, all but user differ", NewEnterSpec(noUser), fmt.Sprintf("nsenter --target %d --all", noUser), fmt.Sprintf("nsenter --target %d --all", noUser)},
		// --net=FILE of our own: nsenter --all would join it; nstui does not.
		{"all, a file of ours", withPaths(NewEnterSpec(every), map[NSType]string{NetNS: ownNet}),
			fmt.Sprintf("nsenter --target %d --cgroup --ipc --mount --pid --time --user --uts", every),
			fmt.Sprintf("nsenter --target %d --all --net=%s", every, ownNet)},
		{"a file of ours only", pathsSpec(map[NSType]string{NetNS: ownNet}), "nsenter", "nsenter --net=" + ownNet},
	} {
		line, err := c.spec.EquivalentLine()
		if err != nil || line != c.line {
			t.Errorf("%s: EquivalentLine() = %q, %v; want %q", c.name, line, err, c.line)
		}
		if got := c.spec.Equivalent(); got != c.asIs {
			t.Errorf("%s: Equivalent() = %q, want %q", c.name, got, c.asIs)
		}
	}
}

// TestEnterEquivalentLineChecksAsRun: what the run refuses, EquivalentLine
// refuses with the same error, from the same code (the plan).
func TestEnterEquivalentLineChecksAsRun(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	self := os.Getpid()
	with := func(edit func(*EnterSpec)) EnterSpec {
		s := NewEnterSpec(self)
		edit(&s)
		return s
	}
	for _, c := range []struct {
		name string
		spec EnterSpec
		want string
	}{
		{"not a namespace", with(func(s *EnterSpec) { s.Paths = map[NSType]string{NetNS: "/etc/passwd"} }), "ENOTTY"},
		{"no such file", with(func(s *EnterSpec) { s.Paths = map[NSType]string{NetNS: "/no/such/ns"} }), "no such file"},
		{"wrong type", with(func(s *EnterSpec) { s.Paths = map[NSType]string{UTSNS: fmt.Sprintf("/proc/%d/ns/net", self)} }), "is a net namespace, not uts"},
		{"dead pid", NewEnterSpec(dead.Process.Pid), "ESRCH"},
		{"no such wd", with(func(s *EnterSpec) { s.Wd = "/no/such/dir" }), "--wd /no/such/dir"},
		{"bad uid", with(func(s *EnterSpec) { s.UID = -2 }), "uid -2"},
	} {
		_, planErr := c.spec.plan()
		line, err := c.spec.EquivalentLine()
		if err == nil || planErr == nil || err.Error() != planErr.Error() || !strings.Contains(err.Error(), c.want) || line != "" {
			t.Errorf("%s: EquivalentLine() = %q, %v; the run: %v; want the run's error, with %q", c.name, line, err, planErr, c.want)
		}
	}
}

// threadWithOwnUTS runs a goroutine on a locked thread other than the main
// one that unshares a uts namespace and sets its hostname there. It returns
// the thread's id and its uts namespace link; the thread exits when the
// test ends.
func threadWithOwnUTS(t *testing.T, hostname string) (int, string) {
	t.Helper()
	type res struct {
		tid  int
		link string
		err  error
	}
	ready, release := make(chan res), make(chan struct{})
	go func() {
		lockNonMainThread()
		// Never unlocked: the thread exits with the goroutine.
		r := res{tid: unix.Gettid()}
		r.err = unix.Unshare(unix.CLONE_NEWUTS)
		if r.err == nil {
			r.err = unix.Sethostname([]byte(hostname))
		}
		if r.err == nil {
			r.link, r.err = os.Readlink(fmt.Sprintf("/proc/self/task/%d/ns/uts", r.tid))
		}
		ready <- r
		<-release
	}()
	r := <-ready
	t.Cleanup(func() { close(release) })
	if r.err != nil {
		t.Fatalf("thread with its own uts namespace: %v", r.err)
	}
	return r.tid, r.link
}

// pidfdPid returns the pid a pidfd refers to (its fdinfo's Pid line).
func pidfdPid(t *testing.T, f *os.File) string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/self/fdinfo/%d", f.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Pid:"); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no Pid line in the fdinfo of a pidfd:\n%s", b)
	return ""
}

// TestEnterThreadTarget: a thread id is a target, as for nsenter: the
// thread's own namespaces are joined. Linux 6.9+ pins the thread itself with
// a PIDFD_THREAD pidfd that setns takes; older kernels pin its process and
// join the files of /proc/TGID/task/TID/ns.
func TestEnterThreadTarget(t *testing.T) {
	testutil.RequireRoot(t)
	tid, link := threadWithOwnUTS(t, "nstui-thread-test")
	self := fmt.Sprint(os.Getpid())
	for _, c := range []struct {
		name     string
		k        enterKernel
		pinned   string // the pid the pidfd refers to
		pidflags uintptr
		files    int // namespace files
	}{
		{"thread pidfd", enterKernel{setnsPidfd: true, threadPidfd: true}, fmt.Sprint(tid), UTSNS.CloneFlag(), 0},
		{"before 6.9", enterKernel{setnsPidfd: true}, self, 0, 1},
		{"before 5.8", enterKernel{}, self, 0, 1},
	} {
		spec := NewEnterSpec(tid)
		spec.Exe = "/proc/self/exe" // this test binary links the helper (enter_helper_test.go)
		spec.Args = []string{"sh", "-c", "hostname; readlink /proc/self/ns/uts"}
		p, err := spec.planWith(c.k)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if p.pidfd < 0 || pidfdPid(t, p.files[p.pidfd]) != c.pinned || p.pidflags != c.pidflags || len(p.ns) != c.files {
			t.Errorf("%s: plan pins %v with setns flags %#x and %d files; want pid %s, %#x, %d files",
				c.name, p.pidfd >= 0, p.pidflags, len(p.ns), c.pinned, c.pidflags, c.files)
		}
		out, err := p.command().Output()
		p.close()
		if want := "nstui-thread-test\n" + link + "\n"; err != nil || string(out) != want {
			t.Errorf("%s: helper: %q, %v; want %q", c.name, out, err, want)
		}
	}
	line, err := NewEnterSpec(tid).EquivalentLine()
	if want := fmt.Sprintf("nsenter --target %d --uts", tid); err != nil || line != want {
		t.Errorf("EquivalentLine() = %q, %v; want %q", line, err, want)
	}
}

// TestEnterThreadError: a thread that cannot be pinned is named a thread,
// not a process that never existed.
func TestEnterThreadError(t *testing.T) {
	got := threadErr("pidfd_open(5, PIDFD_THREAD)", 5, 4, unix.ESRCH).Error()
	want := "pidfd_open(5, PIDFD_THREAD): ESRCH (no such process): 5 is a thread of process 4, and it exited; pick a running one (nstui ls, ps -L)"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := threadErr("pidfd_open(4)", 5, 4, unix.EPERM).Error(); !strings.HasPrefix(got, "pidfd_open(4): EPERM (operation not permitted): 5 is a thread of process 4; ") {
		t.Errorf("EPERM: %s", got)
	}
}

func nsTypeLinks() []string {
	var out []string
	for _, ty := range AllTypes() {
		out = append(out, ty.String()+":[")
	}
	return out
}

// BenchmarkEnterCommand measures preparing an enter of our own process (a
// pidfd, the namespace links, the helper's command), what the TUI pays before
// starting a pane. The end-to-end comparison with nsenter is
// bench/enter-vs-nsenter.sh.
func BenchmarkEnterCommand(b *testing.B) {
	spec := NewEnterSpec(os.Getpid())
	for b.Loop() {
		cmd, err := spec.Command()
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range cmd.ExtraFiles {
			f.Close()
		}
	}
}

// lockNonMainThread locks the calling goroutine to an OS thread other than
// the main one: the main thread's namespaces are the process's, and Go
// cannot retire it. Another goroutine lands on another thread. The caller
// never unlocks, so the thread exits with the goroutine.
func lockNonMainThread() {
	for {
		runtime.LockOSThread()
		if unix.Gettid() != unix.Getpid() {
			return
		}
		runtime.UnlockOSThread()
		done := make(chan struct{})
		go func() { time.Sleep(time.Millisecond); close(done) }()
		<-done
	}
}
