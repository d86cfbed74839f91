package tui

import (
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/nstui/nstui/nsops"
)

// The namespaces of review s4, findings 11 and 13, over the small host.
const (
	rvHiddenUser = 4026532394 // unshare -U -r unshare -U sleep 600: the outer level, no process
	rvChildUser  = 4026532395 // the inner level, sleep 743 in it
	rvSockNet    = 4026532252 // held only by socket fd 4 of pid 16719
	rvBoundNet   = 4026532260 // ip netns add review-s4-x: a process and two bind mounts
	rvExecMnt    = 4026532270 // the mount namespace of ip netns exec
	rvZombiePID  = 4026532280 // a pid namespace with a killed, unreaped member
)

func reviewSnapshot() *nsops.Snapshot {
	b := newSnapBuilder()
	host := hostNS()
	b.proc(1, 0, "root", 0, host, nil, "", "/sbin/init")

	inner := host
	inner[nsops.UserNS] = id(rvChildUser)
	b.parent[id(rvChildUser)], b.owner[id(rvChildUser)] = id(rvHiddenUser), id(rvHiddenUser)
	b.proc(743, 1, "root", 0, inner, nil, "", "sleep", "600")
	b.parent[id(rvHiddenUser)] = host[nsops.UserNS]
	b.extra = append(b.extra, &nsops.Namespace{ID: id(rvHiddenUser), Type: nsops.UserNS, Hidden: true, OwnerUID: 0,
		Holders: []nsops.Holder{{Kind: nsops.HeldByChild, Child: id(rvChildUser)}}})

	b.proc(16719, 1, "root", 0, host, nil, "", "python3", "leak.py")
	b.extra = append(b.extra, &nsops.Namespace{ID: id(rvSockNet), Type: nsops.NetNS, OwnerUID: -1,
		Holders: []nsops.Holder{{Kind: nsops.HeldBySocket, PID: 16719, FD: 4, Path: "/proc/16719/fd/4"}}})

	bound := host
	bound[nsops.NetNS], bound[nsops.MntNS] = id(rvBoundNet), id(rvExecMnt)
	b.proc(900, 1, "root", 0, bound, nil, "", "sleep", "900")
	b.names[id(rvBoundNet)] = []string{"review-s4-x"}

	zp := host
	zp[nsops.PIDNS] = id(rvZombiePID)
	b.parent[id(rvZombiePID)] = host[nsops.PIDNS]
	b.proc(1300, 1, "root", 0, zp, []int{1300, 1}, "", "sh", "-c", "sleep 100 & sleep 100 & wait")
	b.proc(1301, 1300, "root", 0, zp, []int{1301, 2}, "", "sleep", "100")
	b.proc(1302, 1300, "root", 0, zp, []int{1302, 3}, "")
	b.procs[1302].Comm, b.procs[1302].State = "sleep", "Z"

	snap := b.build(fakeTime())
	net := snap.Find(nsops.NetNS, rvBoundNet)
	net.NSFS = []string{"/run/netns/review-s4-x"}
	net.Holders = append(net.Holders,
		nsops.Holder{Kind: nsops.HeldByBindMount, Path: "/run/netns/review-s4-x", MntNS: 4026531841, PID: 1},
		nsops.Holder{Kind: nsops.HeldByBindMount, Path: "/run/netns/review-s4-x", MntNS: rvExecMnt, PID: 900})
	return snap
}

func newReviewDriver(t *testing.T, w, h int) *driver {
	t.Helper()
	src := &fakeSource{snap: reviewSnapshot()}
	d := &driver{t: t, src: src, m: New(src, WithRefresh(0), WithNoColor(true), WithShells(&fakeShells{}), WithSelfPID(1))}
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	d.run(d.m.Init())
	return d
}

// open selects the namespace TYPE INODE in the list by filtering for it.
func (d *driver) open(typ string, ino uint64) string {
	d.keys("/")
	d.typeText(typ + " " + itoa(ino))
	d.keys("enter")
	return d.screen()
}

// lineWith returns the screen line containing s, or "".
func lineWith(screen, s string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// TestDetailsHiddenUserNSNamesChild (review s4 #11): a user namespace held
// only by its child names that child, and the enter form names the same
// owner as the details panel (its parent, from NS_GET_USERNS).
func TestDetailsHiddenUserNSNamesChild(t *testing.T) {
	d := newReviewDriver(t, 120, 36)
	scr := d.open("user", rvHiddenUser)
	if !strings.Contains(scr, "held by     child user 4026532395,") {
		t.Errorf("the holding child is not named:\n%s", scr)
	}
	if !strings.Contains(scr, "owner       user 4026531837") {
		t.Fatalf("details: no owner:\n%s", scr)
	}
	d.keys("e")
	scr = d.screen()
	form := lineWith(scr, "also join the owning user namespace")
	if !strings.Contains(form, "user:4026531837 (its parent)") || strings.Contains(form, "no owning") {
		t.Errorf("enter form disagrees with the details about the owner: %q\n%s", form, scr)
	}
}

// TestDetailsHoldersListedWhole (review s4 #13): every holder is listed,
// the second bind mount (in ip netns exec's mount namespace) too, wrapped
// onto more lines rather than cut at 120 columns.
func TestDetailsHoldersListedWhole(t *testing.T) {
	d := newReviewDriver(t, 120, 36)
	scr := d.open("net", rvBoundNet)
	want := []string{
		"│ held by     1 process,                             │",
		"│             bind mount /run/netns/review-s4-x,     │",
		"│             bind mount /run/netns/review-s4-x in   │",
		"│             mnt 4026532270                         │",
	}
	for _, w := range want {
		if !strings.Contains(scr, w) {
			t.Errorf("want %q:\n%s", w, scr)
		}
	}
}

// TestDetailsZombieMembers (review s4 #13): a killed member its parent has
// not reaped is marked in the member tree, the holder count and the
// process view.
func TestDetailsZombieMembers(t *testing.T) {
	d := newReviewDriver(t, 120, 36)
	scr := d.open("pid", rvZombiePID)
	if !strings.Contains(scr, "held by     3 processes (1 zombie)") {
		t.Errorf("holder count does not say a zombie is among them:\n%s", scr)
	}
	if l := lineWith(scr, "1302"); !strings.Contains(l, "└─ [sleep] (zombie)") {
		t.Errorf("zombie member line %q:\n%s", l, scr)
	}
	if l := lineWith(scr, "1301"); strings.Contains(l, "zombie") {
		t.Errorf("live member marked a zombie: %q", l)
	}
	lines := procLines(d.src.snap, 1302)
	if len(lines) < 2 || !strings.Contains(lines[1].text, "state       zombie") {
		t.Errorf("process view of a zombie: %+v", lines)
	}
}

// TestDetailsSocketHeldNet: a network namespace held only by a socket says
// which socket its details were read through (its /proc fd path is no
// namespace file), and the explain panel's "this one" line is the nstui
// enter that reaches it, with why nsenter cannot.
func TestDetailsSocketHeldNet(t *testing.T) {
	d := newReviewDriver(t, 200, 50)
	scr := d.open("net", rvSockNet)
	if !strings.Contains(scr, "held by     socket fd 4 of pid 16719") {
		t.Errorf("holder: want the socket named:\n%s", scr)
	}
	if !strings.Contains(scr, "read via    socket fd 4 of pid 16719") || strings.Contains(scr, "read via    /proc/16719/fd/4") {
		t.Errorf("read via: want the socket, not its fd path:\n%s", scr)
	}
	if !strings.Contains(scr, "this one    nstui enter -t net:4026532252") || !strings.Contains(scr, "held only by a socket (fd 4 of pid 16719)") {
		t.Errorf("explain: want the nstui enter line and why:\n%s", scr)
	}
}

// TestCgroupDetailsWording (review s4 #13): a v1 controller name such as
// 9:name=systemd is whole at 120 and 200 columns, and the root reads as
// "root here = ... outside", not "(outside /)".
func TestCgroupDetailsWording(t *testing.T) {
	c := &nsops.CgroupDetails{Root: "/process_api/6e00f1", Hierarchies: []nsops.CgroupView{
		{HierarchyID: 9, Controllers: []string{"name=systemd"}, Outside: "/process_api/6e00f1", Inside: "/", Root: "/process_api/6e00f1"},
		{HierarchyID: 4, Controllers: []string{"memory"}, Outside: "/process_api/6e00f1/job", Inside: "/job", Root: "/process_api/6e00f1"},
		{HierarchyID: 2, Controllers: []string{"cpu", "cpuacct", "net_cls", "net_prio", "perf_event"}, Outside: "/x", Inside: "/..", Root: ""},
		{Outside: "/process_api/6e00f1", Inside: "/", Root: "/process_api/6e00f1"},
	}}
	d := &nsops.Details{Type: nsops.CgroupNS, PID: 4242, Cgroup: c}
	for _, width := range []int{52, 88} { // the details panel at 120 and 200 columns
		var b strings.Builder
		for _, l := range detailsLines(d, nil, width) {
			if w := ansi.StringWidth(l.text); w > width {
				t.Errorf("width %d: line %q is %d wide", width, l.text, w)
			}
			b.WriteString(l.text + "\n")
		}
		// Joined as one text, so a value wrapped at 52 columns reads the same.
		text := strings.Join(strings.Fields(b.String()), " ")
		for _, want := range []string{
			" 9:name=systemd root here = /process_api/6e00f1 outside ",
			" 4:memory root here = /process_api/6e00f1 outside, member in /job ",
			" 2:cpu,cpuacct,net_cls,net_prio,perf_event member in /.. here = /x outside ",
			" v2 root here = /process_api/6e00f1 outside ",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("width %d: want %q:\n%s", width, want, text)
			}
		}
		if strings.Contains(text, "(outside") || strings.Contains(text, "…") {
			t.Errorf("width %d: old wording or a cut name:\n%s", width, b.String())
		}
		if width == 88 && !strings.Contains(b.String(), " 9:name=systemd  root here = /process_api/6e00f1 outside\n") {
			t.Errorf("width %d: want a name and its root on one line:\n%s", width, b.String())
		}
	}
}

// TestSpawnTitleWithoutNamespaces (review s4 #13): a spawn with no type
// ticked and no hostname says so, instead of "spawn " and a double space.
func TestSpawnTitleWithoutNamespaces(t *testing.T) {
	f := newSpawnForm("box1", false)
	for i := range nsops.NumTypes {
		f.fields[i].on = false
	}
	f.sync()
	if got := f.title(); got != "spawn (no new namespaces)" {
		t.Errorf("title = %q", got)
	}
	f.fields[spawnCommand].value = "top"
	if got := f.title(); got != "spawn (no new namespaces): top" {
		t.Errorf("title with a command = %q", got)
	}
	f.fields[0].on = true // pid
	if got := f.title(); strings.Contains(got, "  ") || !strings.HasPrefix(got, "spawn ") {
		t.Errorf("title with a type = %q", got)
	}
}

// TestDetailsErrorWrapped: why the details could not be read is wrapped,
// not cut at the panel's edge (a hidden user level at 120 columns).
func TestDetailsErrorWrapped(t *testing.T) {
	snap := reviewSnapshot()
	msg := "read user namespace 4026532394: no member process, path or holder nstui can open it through"
	lines := nsLines(detailInput{snap: snap, ns: snap.Find(nsops.UserNS, rvHiddenUser), width: 52,
		entry: &detailsEntry{err: errors.New(msg)}})
	var got []string
	for _, l := range lines {
		if l.kind == lkError {
			if w := ansi.StringWidth(l.text); w > 52 {
				t.Errorf("error line %q is %d wide", l.text, w)
			}
			got = append(got, strings.TrimSpace(l.text))
		}
	}
	if strings.Join(got, " ") != msg {
		t.Errorf("error lines %q, want all of %q", got, msg)
	}
}
