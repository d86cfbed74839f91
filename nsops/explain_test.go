package nsops

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/nstui/nstui/internal/testutil"
)

func TestExplainTexts(t *testing.T) {
	flags := map[string]NSType{}
	for _, typ := range AllTypes() {
		e := Explain(typ)
		if e.Type != typ || e.Title == "" || e.Isolates == "" || e.ManPage == "" || len(e.Notes) == 0 {
			t.Errorf("%s: incomplete explanation %+v", typ, e)
		}
		if !strings.HasPrefix(e.CloneFlag, "CLONE_NEW") {
			t.Errorf("%s: clone flag %q", typ, e.CloneFlag)
		}
		if other, dup := flags[e.CloneFlag]; dup {
			t.Errorf("%s and %s share clone flag %s", typ, other, e.CloneFlag)
		}
		flags[e.CloneFlag] = typ
		if !strings.HasPrefix(e.Create, "unshare ") || !strings.Contains(e.Create, " "+typ.UnshareOption()) || !strings.HasSuffix(e.Create, " bash") {
			t.Errorf("%s: create %q", typ, e.Create)
		}
		for _, c := range []string{e.Enter, e.EnterByPath} {
			if !strings.HasPrefix(c, "nsenter ") || !strings.Contains(c, " "+typ.NsenterOption()) || !strings.HasSuffix(c, " bash") {
				t.Errorf("%s: enter %q", typ, c)
			}
		}
		s := e.String()
		for _, part := range []string{e.Title, e.CloneFlag, e.Create, e.Enter, e.Notes[0]} {
			if !strings.Contains(s, part) {
				t.Errorf("%s: String() lacks %q:\n%s", typ, part, s)
			}
		}
		// The man page named exists where man pages are installed.
		page, section, _ := strings.Cut(strings.TrimSuffix(e.ManPage, ")"), "(")
		dir := "/usr/share/man/man" + section
		if _, err := os.Stat(dir + "/namespaces.7.gz"); err == nil {
			if _, err := os.Stat(dir + "/" + page + "." + section + ".gz"); err != nil {
				t.Errorf("%s: man page %s not installed: %v", typ, e.ManPage, err)
			}
		}
	}
	if e := Explain(NSType(42)); !strings.Contains(e.Title, "unknown") {
		t.Errorf("invalid type: %+v", e)
	}
	if got := Explain(MntNS).CloneFlag; got != "CLONE_NEWNS" {
		t.Errorf("mnt clone flag %q, the kernel's name is CLONE_NEWNS", got)
	}

	ns := &Namespace{Type: NetNS, Path: "/run/netns/my net", NSFS: []string{"/run/netns/my net"}}
	if got, want := Explain(NetNS).EnterCommand(ns), `nsenter --net='/run/netns/my net'`; got != want {
		t.Errorf("EnterCommand by path: %q, want %q", got, want)
	}
	if got, want := Explain(PIDNS).EnterCommand(&Namespace{Type: PIDNS, PID: 42}), "nsenter --target 42 --pid --mount"; got != want {
		t.Errorf("EnterCommand by pid: %q, want %q", got, want)
	}
	if got := Explain(UTSNS).EnterCommand(&Namespace{Type: UTSNS}); got != "" {
		t.Errorf("EnterCommand with nothing to enter by: %q", got)
	}
	if got := Explain(UTSNS).EnterCommand(nil); got != "" {
		t.Errorf("EnterCommand(nil): %q", got)
	}
}

// explainRun runs one of the explanation's command lines with its
// placeholders filled in and bash replaced by a command that prints the
// namespace the command ended up in.
func explainRun(t *testing.T, line string, typ NSType, repl ...string) string {
	t.Helper()
	line = strings.NewReplacer(repl...).Replace(line)
	argv := strings.Fields(line)
	if argv[len(argv)-1] != "bash" {
		t.Fatalf("%q does not end in bash", line)
	}
	argv = append(argv[:len(argv)-1], "readlink", "/proc/self/ns/"+typ.String())
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestExplainCommandsWork runs every create and enter command the
// explanations teach and checks, with readlink, that they really make a new
// namespace of the type, or join the given one.
func TestExplainCommandsWork(t *testing.T) {
	testutil.RequireRoot(t)
	pid := startDetailsSandbox(t, true, "unshare", "--user", "--map-root-user", "--uts", "--net", "--pid",
		"--kill-child", "--mount-proc", "--time", "--cgroup", "--ipc", "sleep", "60")
	// Entering only the mount namespace of a process in another pid
	// namespace shows that namespace's /proc, where readlink /proc/self
	// fails (the note in Explain(MntNS) says so): mnt gets its own sandbox.
	mntPID := startDetailsSandbox(t, false, "unshare", "--mount", "sleep", "60")
	for _, typ := range AllTypes() {
		e := Explain(typ)
		pid := pid
		if typ == MntNS {
			pid = mntPID
		}
		p := strconv.Itoa(pid)
		host, err := os.Readlink("/proc/self/ns/" + typ.String())
		if err != nil {
			t.Fatal(err)
		}
		if got := explainRun(t, e.Create, typ); got == host || !strings.HasPrefix(got, typ.String()+":[") {
			t.Errorf("%s: %q gave %q, host has %q: no new namespace", typ, e.Create, got, host)
		}
		target, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, typ))
		if err != nil {
			t.Fatal(err)
		}
		if target == host {
			t.Fatalf("%s: the sandbox shares our namespace", typ)
		}
		nsfile := fmt.Sprintf("/proc/%d/ns/%s", pid, typ)
		for _, line := range []string{e.Enter, e.EnterByPath} {
			if got := explainRun(t, line, typ, "PID", p, "NSFILE", nsfile); got != target {
				t.Errorf("%s: %q entered %q, want the sandbox's %q", typ, line, got, target)
			}
		}
		ns := detailsNSOf(t, pid, typ)
		if got := explainRun(t, e.EnterCommand(ns)+" bash", typ); got != target {
			t.Errorf("%s: %q entered %q, want %q", typ, e.EnterCommand(ns), got, target)
		}
	}
}

// TestExplainTimeOffset checks the time example does what its note says:
// uptime inside is a day ahead.
func TestExplainTimeOffset(t *testing.T) {
	testutil.RequireRoot(t)
	line := strings.TrimSuffix(Explain(TimeNS).Create, "bash") + "cat /proc/uptime"
	argv := strings.Fields(line)
	out, err := exec.Command(argv[0], argv[1:]...).Output()
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	host, err := os.ReadFile("/proc/uptime")
	if err != nil {
		t.Fatal(err)
	}
	in, err1 := strconv.ParseFloat(strings.Fields(string(out))[0], 64)
	outside, err2 := strconv.ParseFloat(strings.Fields(string(host))[0], 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("uptime: %q %q", out, host)
	}
	if d := in - outside; d < 86400-60 || d > 86400+60 {
		t.Errorf("uptime inside %.0f s, outside %.0f s: difference %.0f s, want about 86400", in, outside, d)
	}
}

// TestExplainEnterCommandWithoutPath: a namespace no nsenter line can reach
// (held only by a socket, or a user level held only by its child) gets the
// nstui enter line that reaches it through its holder; the explanation and
// EnterSpec.EquivalentError agree on which namespaces those are.
func TestExplainEnterCommandWithoutPath(t *testing.T) {
	sock := &Namespace{ID: NSID{Dev: 4, Ino: 4026532252}, Type: NetNS, OwnerUID: -1,
		Holders: []Holder{{Kind: HeldBySocket, PID: 16719, FD: 4, Path: "/proc/16719/fd/4"}}}
	child := &Namespace{ID: NSID{Dev: 4, Ino: 4026532395}, Type: UserNS, PID: 743, Path: "/proc/743/ns/user",
		Owner: NSID{Dev: 4, Ino: 4026532394}, Parent: NSID{Dev: 4, Ino: 4026532394}}
	hidden := &Namespace{ID: NSID{Dev: 4, Ino: 4026532394}, Type: UserNS, Hidden: true,
		Owner: NSID{Dev: 4, Ino: 4026531837}, Parent: NSID{Dev: 4, Ino: 4026531837},
		Holders: []Holder{{Kind: HeldByChild, Child: child.ID}}}
	bound := &Namespace{ID: NSID{Dev: 4, Ino: 4026532500}, Type: NetNS, Path: "/run/netns/lab", NSFS: []string{"/run/netns/lab"}}
	snap := &Snapshot{Namespaces: []*Namespace{sock, bound, hidden, child}}
	for _, c := range []struct {
		ns   *Namespace
		want string
	}{
		{sock, "nstui enter -t net:4026532252"},
		{hidden, "nstui enter -t user:4026532394"},
		{child, "nsenter --target 743 --user"},
		{bound, "nsenter --net=/run/netns/lab"},
	} {
		got := Explain(c.ns.Type).EnterCommand(c.ns)
		if got != c.want {
			t.Errorf("%s:%d: EnterCommand = %q, want %q", c.ns.Type, c.ns.ID.Ino, got, c.want)
		}
		spec := EnterSpec{TargetNS: NSRef{Type: c.ns.Type, Ino: c.ns.ID.Ino}, Snapshot: snap, UID: -1, GID: -1}
		if noNsenter := spec.EquivalentError() != nil; noNsenter != strings.HasPrefix(got, "nstui enter ") {
			t.Errorf("%s:%d: EnterCommand %q, but EquivalentError = %v", c.ns.Type, c.ns.ID.Ino, got, spec.EquivalentError())
		}
	}
}
