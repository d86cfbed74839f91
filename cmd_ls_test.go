package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nstui/nstui/internal/testutil"
	"github.com/nstui/nstui/nsops"
)

// runLsBin runs the built nstui binary and returns stdout, stderr and the
// exit status.
func runLsBin(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(nstuiBinary, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run nstui %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

// lsRow is the part of an lsns / nstui ls -J row the parity test compares.
type lsRow struct {
	NS     uint64 `json:"ns"`
	Type   string `json:"type"`
	NProcs int    `json:"nprocs"`
	PID    *int   `json:"pid"`
	PNS    uint64 `json:"pns"`
	ONS    uint64 `json:"ons"`
}

func (r lsRow) String() string {
	pid := "null"
	if r.PID != nil {
		pid = strconv.Itoa(*r.PID)
	}
	return fmt.Sprintf("%s:%d nprocs=%d pid=%s pns=%d ons=%d", r.Type, r.NS, r.NProcs, pid, r.PNS, r.ONS)
}

func parseLsJSON(t *testing.T, what string, b []byte) map[uint64]lsRow {
	t.Helper()
	var doc struct {
		Namespaces []lsRow `json:"namespaces"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: bad JSON: %v\n%.500s", what, err, b)
	}
	out := make(map[uint64]lsRow, len(doc.Namespaces))
	for _, r := range doc.Namespaces {
		out[r.NS] = r
	}
	return out
}

func lsStartSleeper(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	return testutil.Start(t, exec.Command(args[0], args[1:]...))
}

func lsNSInode(t *testing.T, path string) uint64 {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		t.Fatalf("stat %s: %v", path, err)
	}
	return st.Ino
}

// TestLsParityWithLsns: every namespace `lsns -J --output-all` lists is found
// by `nstui ls -J` with the same type, nprocs, pid, pns and ons. Processes
// come and go on a busy machine, so lsns runs before and after nstui and only
// rows both lsns runs agree on are compared; the namespaces this test makes
// (a nested pid ns, a user ns owning a net ns) must be among them.
func TestLsParityWithLsns(t *testing.T) {
	testutil.RequireRoot(t)
	lsns, err := exec.LookPath("lsns")
	if err != nil {
		t.Fatalf("lsns not found (util-linux): %v", err)
	}
	pidCmd := lsStartSleeper(t, "unshare", "--kill-child", "--pid", "--fork", "--uts", "sleep", "300")
	userCmd := lsStartSleeper(t, "unshare", "--user", "--map-root-user", "--net", "sleep", "300")
	var mine []uint64
	deadline := time.Now().Add(10 * time.Second)
	for {
		kids, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pidCmd.Process.Pid, pidCmd.Process.Pid))
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", userCmd.Process.Pid))
		if f := strings.Fields(string(kids)); len(f) == 1 && strings.TrimSpace(string(comm)) == "sleep" {
			mine = []uint64{
				lsNSInode(t, "/proc/"+f[0]+"/ns/pid"),
				lsNSInode(t, fmt.Sprintf("/proc/%d/ns/uts", pidCmd.Process.Pid)),
				lsNSInode(t, fmt.Sprintf("/proc/%d/ns/user", userCmd.Process.Pid)),
				lsNSInode(t, fmt.Sprintf("/proc/%d/ns/net", userCmd.Process.Pid)),
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("test namespaces not set up in time")
		}
		time.Sleep(5 * time.Millisecond)
	}

	var report []string
	for attempt := 1; attempt <= 6; attempt++ {
		l1 := lsnsOutput(t, lsns, "-J", "--output-all")
		ours, stderr, code := runLsBin(t, "ls", "-J")
		if code != 0 {
			t.Fatalf("nstui ls -J: exit %d: %s", code, stderr)
		}
		l2 := lsnsOutput(t, lsns, "-J", "--output-all")
		before, after := parseLsJSON(t, "lsns", l1), parseLsJSON(t, "lsns", l2)
		got := parseLsJSON(t, "nstui ls -J", []byte(ours))
		report = report[:0]
		stable, matched := 0, 0
		for ino, r := range before {
			if r2, ok := after[ino]; !ok || r2.String() != r.String() {
				continue // changed between the two lsns runs
			}
			stable++
			o, ok := got[ino]
			switch {
			case !ok:
				report = append(report, "missing: "+r.String())
			case o.String() != r.String():
				report = append(report, fmt.Sprintf("differs: lsns %s, nstui %s", r, o))
			default:
				matched++
			}
		}
		for _, ino := range mine {
			if _, ok := before[ino]; !ok {
				t.Fatalf("lsns does not list namespace %d this test made", ino)
			}
		}
		mineStable := true
		for _, ino := range mine {
			r2, ok := after[ino]
			mineStable = mineStable && ok && r2.String() == before[ino].String()
		}
		if len(report) == 0 && mineStable && stable >= len(before)/2 {
			t.Logf("attempt %d: %d of %d lsns namespaces stable, all found alike (nstui lists %d)", attempt, matched, len(before), len(got))
			if o := got[mine[0]]; o.PNS == 0 || got[mine[3]].ONS != mine[2] {
				t.Errorf("nested pid ns %s / netns %s: parent or owner missing", o, got[mine[3]])
			}
			return
		}
		t.Logf("attempt %d: %d stable of %d, %d mismatches: %.3q", attempt, stable, len(before), len(report), report)
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("nstui ls -J does not match lsns:\n%s", strings.Join(report, "\n"))
}

func TestLsBadInput(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	deadPID := strconv.Itoa(dead.Process.Pid)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"ls", "-t", "bogus"}, `unknown namespace type "bogus"`},
		{[]string{"ls", "-t", "net", "--type", "nett"}, `unknown namespace type "nett"`},
		{[]string{"ls", "-p", "abc"}, `"abc" is not a process id`},
		{[]string{"ls", "-p", "-5"}, `is not a process id`},
		{[]string{"ls", "-p", deadPID}, "no process " + deadPID},
		{[]string{"ls", "-T", "sideways"}, `unknown relation "sideways"`},
		{[]string{"ls", "-o", "NS,NOPE"}, `unknown column "NOPE"`},
		{[]string{"ls", "--members", "net:abc"}, "is not a namespace"},
		{[]string{"ls", "--members", "fish:1"}, `unknown namespace type "fish"`},
		{[]string{"ls", "--members", "net:1"}, "no namespace net:1 found"},
		{[]string{"ls", "extra"}, "unknown command"},
		{[]string{"ls", "owner"}, `unknown command "owner"`},
		{[]string{"ls", "-T", "owner", "extra"}, `unknown command "extra"`},
		{[]string{"ls", "--tree", "parent", "-T", "sideways"}, `unknown command "sideways"`},
	} {
		out, stderr, code := runLsBin(t, tc.args...)
		lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
		if code != 1 || out != "" || len(lines) != 1 || !strings.HasPrefix(lines[0], "nstui: ") || !strings.Contains(lines[0], tc.want) {
			t.Errorf("nstui %v: exit %d, stdout %q, stderr %q; want exit 1 and one line with %q", tc.args, code, out, stderr, tc.want)
		}
	}
}

func TestLsTableFiltersAndTask(t *testing.T) {
	testutil.RequireRoot(t)
	cmd := lsStartSleeper(t, "unshare", "--net", "--ipc", "sleep", "300")
	pid := cmd.Process.Pid
	var netIno uint64
	deadline := time.Now().Add(10 * time.Second)
	for netIno == 0 || netIno == lsNSInode(t, "/proc/self/ns/net") {
		if time.Now().After(deadline) {
			t.Fatal("unshare --net did not start")
		}
		time.Sleep(5 * time.Millisecond)
		netIno = lsNSInode(t, fmt.Sprintf("/proc/%d/ns/net", pid))
	}

	out, stderr, code := runLsBin(t, "ls")
	if code != 0 || stderr != "" {
		t.Fatalf("ls: exit %d stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if got := strings.Fields(lines[0]); !slices.Equal(got, []string{"NS", "TYPE", "NPROCS", "PID", "USER", "COMMAND"}) {
		t.Errorf("default header %q", lines[0])
	}
	if !strings.Contains(out, strconv.FormatUint(netIno, 10)+" net") {
		t.Errorf("ls does not list the new net namespace %d:\n%s", netIno, out)
	}

	out, _, code = runLsBin(t, "ls", "-n", "-t", "net", "--type", "ipc", "-o", "TYPE")
	types := strings.Fields(out)
	if code != 0 || len(types) < 2 || slices.ContainsFunc(types, func(s string) bool { return s != "net" && s != "ipc" }) {
		t.Errorf("ls -t net -t ipc printed types %v", types)
	}

	out, _, code = runLsBin(t, "ls", "-p", strconv.Itoa(pid), "-J")
	if code != 0 {
		t.Fatalf("ls -p: exit %d", code)
	}
	var doc struct {
		Namespaces []struct {
			NS      uint64 `json:"ns"`
			Type    string `json:"type"`
			NProcs  int    `json:"nprocs"`
			Members []int  `json:"members"`
		} `json:"namespaces"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Namespaces) != 8 {
		t.Errorf("ls -p %d lists %d namespaces, want its 8", pid, len(doc.Namespaces))
	}
	found := false
	for _, ns := range doc.Namespaces {
		if !slices.Contains(ns.Members, pid) {
			t.Errorf("ls -p %d lists %s:%d, which does not contain it", pid, ns.Type, ns.NS)
		}
		found = found || (ns.NS == netIno && ns.Type == "net" && ns.NProcs == 1)
	}
	if !found {
		t.Errorf("ls -p %d misses its net namespace %d", pid, netIno)
	}
}

func TestLsMembersTree(t *testing.T) {
	testutil.RequireRoot(t)
	cmd := lsStartSleeper(t, "unshare", "--kill-child", "--pid", "--fork", "--mount-proc", "sh", "-c", "sleep 300 & sleep 301 & wait")
	var shPID int
	deadline := time.Now().Add(10 * time.Second)
	for {
		kids, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", cmd.Process.Pid, cmd.Process.Pid))
		if f := strings.Fields(string(kids)); len(f) == 1 {
			shPID, _ = strconv.Atoi(f[0])
			grand, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", shPID, shPID))
			if len(strings.Fields(string(grand))) == 2 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("nested pid namespace not set up in time")
		}
		time.Sleep(5 * time.Millisecond)
	}
	pidIno := lsNSInode(t, fmt.Sprintf("/proc/%d/ns/pid", shPID))
	ref := "pid:" + strconv.FormatUint(pidIno, 10)

	out, stderr, code := runLsBin(t, "ls", "--members", ref, "-J")
	if code != 0 {
		t.Fatalf("ls --members: exit %d: %s", code, stderr)
	}
	type member struct {
		PID      int       `json:"pid"`
		PPID     int       `json:"ppid"`
		NSpid    []int     `json:"nspid"`
		User     string    `json:"user"`
		Command  string    `json:"command"`
		Children []*member `json:"children"`
	}
	var doc struct {
		NS      uint64    `json:"ns"`
		Type    string    `json:"type"`
		Members []*member `json:"members"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out)
	}
	if doc.NS != pidIno || doc.Type != "pid" || len(doc.Members) != 1 {
		t.Fatalf("members of %s: %s", ref, out)
	}
	sh := doc.Members[0]
	if sh.PID != shPID || sh.PPID != cmd.Process.Pid || !slices.Equal(sh.NSpid, []int{shPID, 1}) || sh.User != "root" ||
		!strings.HasPrefix(sh.Command, "sh -c") || len(sh.Children) != 2 {
		t.Fatalf("root of the member tree: %+v", sh)
	}
	for _, c := range sh.Children {
		if c.PPID != shPID || len(c.NSpid) != 2 || c.NSpid[0] != c.PID || c.NSpid[1] < 2 || !strings.HasPrefix(c.Command, "sleep 30") {
			t.Errorf("member %+v", c)
		}
	}
	out, _, code = runLsBin(t, "ls", "--members", strconv.FormatUint(pidIno, 10))
	if code != 0 || !strings.Contains(out, "NSPID") || !strings.Contains(out, "└─sleep 301") || !strings.Contains(out, strconv.Itoa(shPID)+",1") {
		t.Errorf("ls --members table:\n%s", out)
	}
}

func TestLsTrees(t *testing.T) {
	testutil.RequireRoot(t)
	lsStartSleeper(t, "unshare", "--user", "--map-root-user", "--net", "sleep", "300")
	type node struct {
		NS       uint64  `json:"ns"`
		Type     string  `json:"type"`
		ONS      uint64  `json:"ons"`
		Children []*node `json:"children"`
	}
	var walk func(n *node, parent *node) int
	walk = func(n *node, parent *node) int {
		count := 1
		if parent != nil && n.ONS != parent.NS {
			t.Errorf("%s:%d nested under %d but owned by %d", n.Type, n.NS, parent.NS, n.ONS)
		}
		for _, c := range n.Children {
			count += walk(c, n)
		}
		return count
	}
	// The tree and the flat list come from two scans, and other test
	// packages create and drop namespaces meanwhile: retry until two
	// back-to-back scans agree (a tree that loses or invents namespaces
	// never does).
	var total, want int
	for attempt := 0; attempt < 10; attempt++ {
		out, _, code := runLsBin(t, "ls", "-J", "-T", "owner")
		if code != 0 {
			t.Fatalf("ls -J -T owner: exit %d", code)
		}
		var doc struct {
			Namespaces []*node `json:"namespaces"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		total = 0
		for _, n := range doc.Namespaces {
			total += walk(n, nil)
		}
		flat, _, _ := runLsBin(t, "ls", "-n", "-o", "NS")
		if want = len(strings.Fields(flat)); total == want {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if total != want {
		t.Errorf("owner tree has %d namespaces, flat list %d", total, want)
	}
	for _, rel := range []string{"parent", "process"} {
		out, _, code := runLsBin(t, "ls", "-T", rel)
		if code != 0 || !strings.Contains(out, "─") {
			t.Errorf("ls -T %s: exit %d, no tree drawn:\n%.400s", rel, code, out)
		}
	}
}

// TestLsNonRootNotice runs ls as nobody: it lists what it can and says once
// that the view is limited.
func TestLsNonRootNotice(t *testing.T) {
	testutil.RequireRoot(t)
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Fatalf("setpriv not found (util-linux): %v", err)
	}
	bin := nobodyBinary(t)
	cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", bin, "ls")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("nstui ls as nobody: %v\n%s", err, errb.String())
	}
	lines := strings.Split(strings.TrimRight(errb.String(), "\n"), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "limited view") {
		t.Errorf("stderr as nobody: %q, want one 'limited view' line", errb.String())
	}
	if !strings.HasPrefix(strings.TrimSpace(out.String()), "NS") || strings.Count(out.String(), "\n") < 2 {
		t.Errorf("stdout as nobody:\n%s", out.String())
	}
}

// lsFakeNS is a namespace row for the table tests that need no scan.
func lsFakeNS(t nsops.NSType, ino uint64, pid, ppid int, command string) *nsops.Namespace {
	return &nsops.Namespace{ID: nsops.NSID{Ino: ino}, Type: t, NProcs: 1, PID: pid, PPID: ppid, Command: command,
		UID: 0, User: "root", OwnerUID: -1}
}

// lsRender selects columns and the tree as runLs does and prints rows.
func lsRender(t *testing.T, o *lsOptions, types []nsops.NSType, rows []*nsops.Namespace) string {
	t.Helper()
	cols, err := selectColumns(o, types)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	v := &lsView{snap: &nsops.Snapshot{}}
	tree := lsTree(o, cols)
	if o.json {
		err = printLsJSON(&b, v, rows, cols, tree, nil)
	} else {
		err = printLsTable(&b, v, rows, cols, tree, nil, o)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestLsDefaultsLikeLsns pins lsns 2.38's defaults without a scan: the
// default columns (NETNSID and NSFS join them with -t net, whatever other
// types are asked), and the process tree in COMMAND, where a row hangs under
// the latest earlier row of its process's parent; -l, --output-all, -J
// without -o (all columns) and a column list without COMMAND print it flat.
func TestLsDefaultsLikeLsns(t *testing.T) {
	header := func(o *lsOptions, types ...nsops.NSType) string {
		cols, err := selectColumns(o, types)
		if err != nil {
			t.Fatal(err)
		}
		return columnNames(cols)
	}
	for _, tc := range []struct {
		o     lsOptions
		types []nsops.NSType
		want  string
	}{
		{lsOptions{}, nil, "NS,TYPE,NPROCS,PID,USER,COMMAND"},
		{lsOptions{}, []nsops.NSType{nsops.UTSNS}, "NS,TYPE,NPROCS,PID,USER,COMMAND"},
		{lsOptions{}, []nsops.NSType{nsops.NetNS}, "NS,TYPE,NPROCS,PID,USER,NETNSID,NSFS,COMMAND"},
		{lsOptions{}, []nsops.NSType{nsops.UTSNS, nsops.NetNS}, "NS,TYPE,NPROCS,PID,USER,NETNSID,NSFS,COMMAND"},
		{lsOptions{output: "+PATH"}, []nsops.NSType{nsops.NetNS}, "NS,TYPE,NPROCS,PID,USER,NETNSID,NSFS,COMMAND,PATH"},
		{lsOptions{output: "NS,TYPE"}, []nsops.NSType{nsops.NetNS}, "NS,TYPE"},
	} {
		if got := header(&tc.o, tc.types...); got != tc.want {
			t.Errorf("columns for %+v -t %v: %s, want %s", tc.o, tc.types, got, tc.want)
		}
	}

	// pid 10 is the lowest process of uts 1 and net 3; its child 11 leads pid 2
	// and ipc 4; 12 (parent 11) leads mnt 5; 30's parent 40 only leads a
	// later row, so 30's row stays a root; 50 has no process.
	rows := []*nsops.Namespace{
		lsFakeNS(nsops.UTSNS, 1, 10, 1, "a"),
		lsFakeNS(nsops.PIDNS, 2, 11, 10, "b"),
		lsFakeNS(nsops.NetNS, 3, 10, 1, "a"),
		lsFakeNS(nsops.IPCNS, 4, 11, 10, "b"),
		lsFakeNS(nsops.MntNS, 5, 12, 11, "c"),
		lsFakeNS(nsops.UTSNS, 6, 30, 40, "d"),
		lsFakeNS(nsops.IPCNS, 7, 40, 1, "e"),
		lsFakeNS(nsops.NetNS, 8, 0, 0, ""),
	}
	rows[7].NProcs, rows[7].User = 0, ""
	tree := "" +
		"NS TYPE NPROCS PID USER COMMAND\n" +
		" 1 uts       1  10 root a\n" +
		" 2 pid       1  11 root └─b\n" +
		" 3 net       1  10 root a\n" +
		" 4 ipc       1  11 root └─b\n" +
		" 5 mnt       1  12 root   └─c\n" +
		" 6 uts       1  30 root d\n" +
		" 7 ipc       1  40 root e\n" +
		" 8 net       0          \n"
	flat := strings.NewReplacer("  └─", "", "└─", "").Replace(tree)
	for _, tc := range []struct {
		o    lsOptions
		want string
	}{
		{lsOptions{}, tree},
		{lsOptions{tree: "process"}, tree},
		{lsOptions{list: true}, flat},
		{lsOptions{list: true, tree: "process"}, tree},
		{lsOptions{raw: true}, "NS TYPE NPROCS PID USER COMMAND\n1 uts 1 10 root a\n2 pid 1 11 root \\xe2\\x94\\x94\\xe2\\x94\\x80b\n" +
			"3 net 1 10 root a\n4 ipc 1 11 root \\xe2\\x94\\x94\\xe2\\x94\\x80b\n5 mnt 1 12 root \\x20\\x20\\xe2\\x94\\x94\\xe2\\x94\\x80c\n" +
			"6 uts 1 30 root d\n7 ipc 1 40 root e\n8 net 0   \n"},
		{lsOptions{output: "NS,COMMAND"}, "NS COMMAND\n 1 a\n 2 └─b\n 3 a\n 4 └─b\n 5   └─c\n 6 d\n 7 e\n 8 \n"},
		{lsOptions{output: "NS,PID"}, "NS PID\n 1  10\n 2  11\n 3  10\n 4  11\n 5  12\n 6  30\n 7  40\n 8    \n"},
		// -n drops the header line but not its width: libsmartcols sizes a
		// column by its header whether it prints it or not.
		{lsOptions{noHeadings: true}, strings.SplitN(tree, "\n", 2)[1]},
		{lsOptions{noHeadings: true, output: "NS,PID"}, " 1  10\n 2  11\n 3  10\n 4  11\n 5  12\n 6  30\n 7  40\n 8    \n"},
		{lsOptions{noHeadings: true, output: "PID,NPROCS,TYPE,USER"}, " 10      1 uts  root\n 11      1 pid  root\n 10      1 net  root\n" +
			" 11      1 ipc  root\n 12      1 mnt  root\n 30      1 uts  root\n 40      1 ipc  root\n         0 net  \n"},
		{lsOptions{noHeadings: true, raw: true, output: "NS,NPROCS"}, "1 1\n2 1\n3 1\n4 1\n5 1\n6 1\n7 1\n8 0\n"},
	} {
		if got := lsRender(t, &tc.o, nil, rows); got != tc.want {
			t.Errorf("ls %+v:\n%s\nwant:\n%s", tc.o, got, tc.want)
		}
	}

	// libsmartcols widens a column whose cells are at least as wide as its
	// header to lsns's width hint (NS, PNS, ONS 10; TYPE, NPROCS, PID, PPID
	// 5), headings or not: NS holds 100 (3), TYPE "user" (4), PID 1234 (4);
	// PPID (1) and PNS (1) keep their header's width.
	wide := []*nsops.Namespace{lsFakeNS(nsops.UserNS, 100, 1234, 1, "a"), lsFakeNS(nsops.NetNS, 2, 5, 1, "b")}
	for _, tc := range []struct {
		o    lsOptions
		want string
	}{
		{lsOptions{list: true, output: "TYPE,PID,PPID,PNS,NS"}, "" +
			"TYPE    PID PPID PNS         NS\n" +
			"user   1234    1   0        100\n" +
			"net       5    1   0          2\n"},
		{lsOptions{list: true, noHeadings: true, output: "NS,TYPE,PID"}, "" +
			"       100 user   1234\n" +
			"         2 net       5\n"},
	} {
		if got := lsRender(t, &tc.o, nil, wide); got != tc.want {
			t.Errorf("ls %+v:\n%s\nwant:\n%s", tc.o, got, tc.want)
		}
	}

	// JSON nests the process tree as lsns -J does, unless all columns are
	// printed (-J alone is lsns -J --output-all: flat) or -l is given.
	top := func(o lsOptions) []uint64 {
		var doc struct {
			Namespaces []struct {
				NS       uint64 `json:"ns"`
				Children []struct {
					NS uint64 `json:"ns"`
				} `json:"children"`
			} `json:"namespaces"`
		}
		out := lsRender(t, &o, nil, rows)
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("%+v: bad JSON %v:\n%s", o, err, out)
		}
		var ids []uint64
		for _, n := range doc.Namespaces {
			ids = append(ids, n.NS)
		}
		return ids
	}
	if got := top(lsOptions{json: true, output: "NS,COMMAND"}); !slices.Equal(got, []uint64{1, 3, 6, 7, 8}) {
		t.Errorf("-J -o NS,COMMAND: top level %v, want the tree's roots 1 3 6 7 8", got)
	}
	for _, o := range []lsOptions{{json: true}, {json: true, outputAll: true}, {json: true, list: true, output: "NS,COMMAND"}, {json: true, output: "NS"}} {
		if got := top(o); len(got) != len(rows) {
			t.Errorf("%+v: top level %v, want all %d rows flat", o, got, len(rows))
		}
	}
}

// TestLsTreeOrderLikeLsns pins lsns's order for -T owner and -T parent:
// lsns adds rows in inode order, each after (recursively) its owner (-T
// owner), or its parent, else its owner (-T parent), and libsmartcols prints
// roots and children in the order they were added. So an owner or parent
// comes first even with a higher inode, and in the parent tree the owner of
// a namespace without a parent is printed before it (the row itself stays a
// root). With -p, the owners and parents of the process's namespaces are
// printed too.
func TestLsTreeOrderLikeLsns(t *testing.T) {
	ns := func(typ nsops.NSType, ino, owner, parent uint64) *nsops.Namespace {
		n := lsFakeNS(typ, ino, int(ino), 1, "")
		n.Owner, n.Parent = nsops.NSID{Ino: owner}, nsops.NSID{Ino: parent}
		return n
	}
	// R (10) is the initial user namespace; U1 (20) is its child and owns
	// N (5), U2 (15) and P1 (25), a child of P0 (7); M (3) is R's.
	rows := []*nsops.Namespace{
		ns(nsops.MntNS, 3, 10, 0),
		ns(nsops.NetNS, 5, 20, 0),
		ns(nsops.PIDNS, 7, 10, 0),
		ns(nsops.UserNS, 10, 0, 0),
		ns(nsops.UserNS, 15, 20, 20),
		ns(nsops.UserNS, 20, 10, 10),
		ns(nsops.PIDNS, 25, 20, 7),
	}
	render := func(tree string, selected []bool, json bool) string {
		o := &lsOptions{output: "NS,TYPE", tree: tree, json: json}
		cols, err := selectColumns(o, nil)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if json {
			err = printLsJSON(&b, &lsView{snap: &nsops.Snapshot{}}, rows, cols, lsTree(o, cols), selected)
		} else {
			err = printLsTable(&b, &lsView{snap: &nsops.Snapshot{}}, rows, cols, lsTree(o, cols), selected, o)
		}
		if err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	// The process is in N and P1 only (-p). NS is 10 wide, lsns's width
	// hint for it, as its cells are wider than its header.
	onlyN5P25 := []bool{false, true, false, false, false, false, true}
	for _, tc := range []struct {
		tree     string
		selected []bool
		want     string
	}{
		{"owner", nil, "" +
			"NS         TYPE\n" +
			"10         user\n" +
			"├─3        mnt\n" +
			"├─20       user\n" +
			"│ ├─5      net\n" +
			"│ ├─15     user\n" +
			"│ └─25     pid\n" +
			"└─7        pid\n"},
		{"parent", nil, "" +
			"NS         TYPE\n" +
			"10         user\n" +
			"└─20       user\n" +
			"  └─15     user\n" +
			"3          mnt\n" +
			"5          net\n" +
			"7          pid\n" +
			"└─25       pid\n"},
		{"owner", onlyN5P25, "" +
			"NS         TYPE\n" +
			"10         user\n" +
			"└─20       user\n" +
			"  ├─5      net\n" +
			"  └─25     pid\n"},
		{"parent", onlyN5P25, "" +
			"NS         TYPE\n" +
			"10         user\n" +
			"└─20       user\n" +
			"5          net\n" +
			"7          pid\n" +
			"└─25       pid\n"},
	} {
		if got := render(tc.tree, tc.selected, false); got != tc.want {
			t.Errorf("-T %s (selected %v):\n%s\nwant (as lsns):\n%s", tc.tree, tc.selected, got, tc.want)
		}
	}
	// JSON nests the same forest in the same order.
	type node struct {
		NS       uint64  `json:"ns"`
		Children []*node `json:"children"`
	}
	var flatten func(list []*node, depth int) []string
	flatten = func(list []*node, depth int) []string {
		var out []string
		for _, n := range list {
			out = append(out, strings.Repeat(">", depth)+strconv.FormatUint(n.NS, 10))
			out = append(out, flatten(n.Children, depth+1)...)
		}
		return out
	}
	for tree, want := range map[string]string{
		"owner":  "10 >3 >20 >>5 >>15 >>25 >7",
		"parent": "10 >20 >>15 3 5 7 >25",
	} {
		var doc struct {
			Namespaces []*node `json:"namespaces"`
		}
		out := render(tree, nil, true)
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("-J -T %s: %v\n%s", tree, err, out)
		}
		if got := strings.Join(flatten(doc.Namespaces, 0), " "); got != want {
			t.Errorf("-J -T %s nests %s, want %s", tree, got, want)
		}
	}
}

// TestLsJSONBytesLikeLsns pins lsns -J's bytes: libsmartcols's layout
// ("},{" between objects, three spaces a level, an empty array with a blank
// line inside) and its string escaping (no HTML escaping, control bytes as
// \b \t \n \f \r or \u00xx, every other byte as it is); nstui's own keys
// follow lsns's.
func TestLsJSONBytesLikeLsns(t *testing.T) {
	a := lsFakeNS(nsops.UTSNS, 1, 10, 1, "sh -c a&&b<c>'d' \"q\" \\ \x01\x1b\b\f\r\n\t\x7f é\u2028\xff")
	b := lsFakeNS(nsops.PIDNS, 2, 11, 10, "x")
	c := lsFakeNS(nsops.NetNS, 3, 12, 1, "")
	c.NProcs, c.PID, c.User, c.Names = 0, 0, "", []string{"a&b"}
	c.Holders = []nsops.Holder{{Kind: nsops.HeldByBindMount, Path: "/run/netns/a&b"}}
	d, e := lsFakeNS(nsops.UTSNS, 4, 20, 1, "p"), lsFakeNS(nsops.IPCNS, 5, 21, 20, "c")
	extras := `,
         "holders": [],
         "names": [],
         "members": [],
         "hidden": false,
         "owner_uid": null`
	for _, tc := range []struct {
		o    lsOptions
		rows []*nsops.Namespace
		want string
	}{
		{lsOptions{json: true, list: true, output: "NS,COMMAND"}, []*nsops.Namespace{a, b, c}, `{
   "namespaces": [
      {
         "ns": 1,
         "command": "sh -c a&&b<c>'d' \"q\" \\ \u0001\u001b\b\f\r\n\t` + "\x7f é\u2028\xff" + `"` + extras + `
      },{
         "ns": 2,
         "command": "x"` + extras + `
      },{
         "ns": 3,
         "command": null,
         "holders": [{"kind":"bindmount","path":"/run/netns/a&b"}],
         "names": ["a&b"],
         "members": [],
         "hidden": false,
         "owner_uid": null
      }
   ]
}
`},
		{lsOptions{json: true, output: "NS,COMMAND"}, []*nsops.Namespace{d, e}, `{
   "namespaces": [
      {
         "ns": 4,
         "command": "p"` + extras + `,
         "children": [
            {
               "ns": 5,
               "command": "c",
               "holders": [],
               "names": [],
               "members": [],
               "hidden": false,
               "owner_uid": null
            }
         ]
      }
   ]
}
`},
		{lsOptions{json: true}, nil, "{\n   \"namespaces\": [\n\n   ]\n}\n"},
		{lsOptions{json: true, output: "NS,COMMAND"}, nil, "{\n   \"namespaces\": [\n\n   ]\n}\n"},
	} {
		if got := lsRender(t, &tc.o, nil, tc.rows); got != tc.want {
			t.Errorf("-J %+v:\n%s\nwant:\n%s", tc.o, got, tc.want)
		}
	}
	// An empty table prints nothing at all, as libsmartcols does.
	if got := lsRender(t, &lsOptions{}, nil, nil); got != "" {
		t.Errorf("empty table: %q, want nothing", got)
	}
}

// TestLsRawEscapesLikeLsns: -r escapes what libsmartcols does (blanks,
// backslash, control bytes and every non-ASCII byte), nothing else.
func TestLsRawEscapesLikeLsns(t *testing.T) {
	for in, want := range map[string]string{
		`sleep 1`:          `sleep\x201`,
		"a\tb\nc\\d\x7f":   `a\x09b\x0ac\x5cd\x7f`,
		"é └─x":            `\xc3\xa9\x20\xe2\x94\x94\xe2\x94\x80x`,
		`sh -c "a & b" $x`: `sh\x20-c\x20"a\x20&\x20b"\x20$x`,
		"plain/path:[1]":   "plain/path:[1]",
	} {
		if got := rawEscape(in); got != want {
			t.Errorf("rawEscape(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestLsDefaultOutputMatchesLsns compares `nstui ls` with the real lsns for
// the rows of namespaces this test makes: a process U in new uts, net and pid
// namespaces whose child X (pid 1 of the new pid namespace) also has a new
// ipc namespace. Usually the rows are, in inode order, uts (U), pid (X), net
// (U), ipc (X): lsns hangs pid under uts and ipc under net (U's latest row)
// in COMMAND, adds NETNSID and NSFS with -t net, and draws no tree with -l.
// Other rows change as other tests run, so only these are compared, whole
// (raw) and as fields (aligned), plus the header.
func TestLsDefaultOutputMatchesLsns(t *testing.T) {
	testutil.RequireRoot(t)
	lsns, err := exec.LookPath("lsns")
	if err != nil {
		t.Fatalf("lsns not found (util-linux): %v", err)
	}
	u := lsStartSleeper(t, "unshare", "--kill-child", "--uts", "--net", "--pid", "--fork", "unshare", "--ipc", "sleep", "300")
	uPID := u.Process.Pid
	var xPID int
	deadline := time.Now().Add(10 * time.Second)
	for {
		kids, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", uPID, uPID))
		if f := strings.Fields(string(kids)); len(f) == 1 {
			xPID, _ = strconv.Atoi(f[0])
			comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", xPID))
			if strings.TrimSpace(string(comm)) == "sleep" {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("test namespaces not set up in time")
		}
		time.Sleep(5 * time.Millisecond)
	}
	ino := func(pid int, typ string) string {
		return strconv.FormatUint(lsNSInode(t, fmt.Sprintf("/proc/%d/ns/%s", pid, typ)), 10)
	}
	mine := []string{ino(uPID, "uts"), ino(xPID, "pid"), ino(uPID, "net"), ino(xPID, "ipc")}
	if ino(xPID, "ipc") == ino(uPID, "ipc") {
		t.Fatalf("no new ipc namespace for pid %d", xPID)
	}
	// The kernel reuses freed inode numbers, so the rows' order can differ
	// from the order of creation; a row of X nests when a row of U is before it.
	n := make([]uint64, len(mine))
	for i, s := range mine {
		n[i], _ = strconv.ParseUint(s, 10, 64)
	}
	nests := min(n[0], n[2]) < max(n[1], n[3])
	// A bind mount of the net namespace fills its NSFS column.
	bind := t.TempDir() + "/netns"
	if err := os.WriteFile(bind, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount(fmt.Sprintf("/proc/%d/ns/net", uPID), bind, "", syscall.MS_BIND, ""); err != nil {
		t.Fatalf("bind-mount the net namespace: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(bind, syscall.MNT_DETACH) })

	// ourRows returns the header and the lines of our namespaces, in order.
	ourRows := func(out string, raw bool) []string {
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		got := []string{strings.Join(strings.Fields(lines[0]), " ")}
		for _, l := range lines[1:] {
			if f := strings.Fields(l); len(f) > 0 && slices.Contains(mine, f[0]) {
				if !raw {
					l = strings.Join(f, " ")
				}
				got = append(got, l)
			}
		}
		return got
	}
	x := strconv.Itoa(xPID)
	for _, args := range [][]string{
		{},
		{"-t", "net"},
		{"-t", "uts", "-t", "pid", "-t", "net", "-t", "ipc"},
		{"-p", x},
		{"-p", x, "-t", "net", "-t", "ipc", "-t", "pid"},
		{"-l"},
		{"-l", "-t", "net", "-t", "ipc"},
		{"--tree=process"},
		{"-l", "--tree=process"},
		{"-o", "NS,TYPE,PID,COMMAND"},
		{"-o", "NS,TYPE,PID"},
		{"-o", "+PATH", "-t", "net", "-t", "ipc"},
	} {
		for _, raw := range []bool{false, true} {
			a := slices.Clone(args)
			if raw {
				a = append(a, "-r")
			}
			want := lsnsOutput(t, lsns, a...)
			got, stderr, code := runLsBin(t, append([]string{"ls"}, a...)...)
			if code != 0 {
				t.Fatalf("nstui ls %v: exit %d: %s", a, code, stderr)
			}
			w, g := ourRows(string(want), raw), ourRows(got, raw)
			if len(w) < 2 {
				t.Fatalf("lsns %v lists none of %v:\n%s", a, mine, want)
			}
			if len(args) == 0 && !raw && nests != strings.Contains(strings.Join(w, "\n"), "└─") {
				t.Fatalf("lsns draws no process tree as this test expects (rows %v):\n%s", mine, strings.Join(w, "\n"))
			}
			if !slices.Equal(w, g) {
				t.Errorf("ls %v, rows of %v:\nlsns:\n%s\nnstui:\n%s", a, mine, strings.Join(w, "\n"), strings.Join(g, "\n"))
			}
		}
	}

	// Whole lines, widths included (-n keeps every column at least as wide
	// as its header): -p X keeps the rows to X's namespaces, which both list
	// alike, so the widths are the same; the lines of our namespaces must be
	// identical and every line's NS in the same order (other rows' NPROCS
	// may change between the two runs).
	for _, args := range [][]string{
		{"-n"},
		{"-n", "-t", "net", "-t", "ipc"},
		{"-n", "-l", "-o", "NS,TYPE,PATH,NPROCS,PID,PPID,UID,USER,NETNSID,NSFS,PNS,ONS"},
		{"-n", "-o", "PID,NSFS,NS,USER,TYPE"},
		{"-n", "-o", "NS,COMMAND,NPROCS"},
		{},
		{"-t", "net"},
	} {
		a := append(slices.Clone(args), "-p", x)
		want := lsnsOutput(t, lsns, a...)
		got, stderr, code := runLsBin(t, append([]string{"ls"}, a...)...)
		if code != 0 {
			t.Fatalf("nstui ls %v: exit %d: %s", a, code, stderr)
		}
		if d := lsLineDiff(string(want), got, mine); d != "" {
			t.Errorf("ls %v: %s\nlsns:\n%s\nnstui:\n%s", a, d, want, got)
		}
	}

	// JSON: the same nesting as lsns -J with -o; -J alone is flat like
	// lsns -J --output-all.
	nesting := func(what string, b []byte) map[string]string {
		type node struct {
			NS       uint64  `json:"ns"`
			Children []*node `json:"children"`
		}
		var doc struct {
			Namespaces []*node `json:"namespaces"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: bad JSON: %v", what, err)
		}
		parent := map[string]string{}
		var walk func(list []*node, up string)
		walk = func(list []*node, up string) {
			for _, n := range list {
				id := strconv.FormatUint(n.NS, 10)
				if slices.Contains(mine, id) {
					parent[id] = up
				}
				walk(n.Children, id)
			}
		}
		walk(doc.Namespaces, "")
		return parent
	}
	for _, pair := range [][2][]string{
		{{"-J", "-o", "NS,TYPE,PID,COMMAND"}, {"-J", "-o", "NS,TYPE,PID,COMMAND"}},
		{{"-J", "-l", "-o", "NS,COMMAND"}, {"-J", "-l", "-o", "NS,COMMAND"}},
		{{"-J"}, {"-J", "--output-all"}},
	} {
		want := lsnsOutput(t, lsns, pair[1]...)
		got, stderr, code := runLsBin(t, append([]string{"ls"}, pair[0]...)...)
		if code != 0 {
			t.Fatalf("nstui ls %v: exit %d: %s", pair[0], code, stderr)
		}
		w, g := nesting("lsns", want), nesting("nstui", []byte(got))
		if len(w) != len(mine) || !maps.Equal(w, g) {
			t.Errorf("nstui ls %v nests %v, lsns %v nests %v (child: parent)", pair[0], g, pair[1], w)
		}
	}
}

// lsnsOutput runs lsns and returns its output. lsns 2.38 sometimes exits 1,
// silently, when a process or namespace vanishes while it reads it (other
// tests tear theirs down meanwhile): it is run again then.
func lsnsOutput(t *testing.T, lsns string, args ...string) []byte {
	t.Helper()
	var err error
	for range 5 {
		var out []byte
		var stderr bytes.Buffer
		cmd := exec.Command(lsns, args...)
		cmd.Stderr = &stderr
		if out, err = cmd.Output(); err == nil {
			return out
		}
		err = fmt.Errorf("%w: %s", err, bytes.TrimSpace(stderr.Bytes()))
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("lsns %v: %v", args, err)
	return nil
}

// lsLineDiff compares two lsns-like tables: the NS of every line (its tree
// branch removed; "" for a header) must come in the same order, and the
// lines of the namespaces in mine must be identical, byte for byte. It
// returns what differs first, or "".
func lsLineDiff(want, got string, mine []string) string {
	ns := func(line string) string {
		for _, f := range strings.Fields(strings.TrimLeft(line, " │├└─")) {
			if slices.Contains(mine, f) || (len(f) >= 9 && strings.Trim(f, "0123456789") == "") {
				return f
			}
		}
		return ""
	}
	w := strings.Split(strings.TrimRight(want, "\n"), "\n")
	g := strings.Split(strings.TrimRight(got, "\n"), "\n")
	if len(w) != len(g) {
		return fmt.Sprintf("%d lines, lsns %d", len(g), len(w))
	}
	for i := range w {
		switch {
		case ns(w[i]) != ns(g[i]):
			return fmt.Sprintf("line %d is namespace %q, lsns's %q", i+1, ns(g[i]), ns(w[i]))
		case slices.Contains(mine, ns(w[i])) && w[i] != g[i]:
			return fmt.Sprintf("line %d:\n%q\nlsns:\n%q", i+1, g[i], w[i])
		}
	}
	return ""
}

// lsnsKeysOnly drops nstui's own keys (holders, names, members, hidden,
// owner_uid) from nstui ls -J output, and the comma they leave before a
// closing brace, so what is left can be compared with lsns -J byte for byte.
func lsnsKeysOnly(out string) string {
	var kept []string
	for _, l := range strings.Split(out, "\n") {
		k := strings.TrimLeft(l, " ")
		if strings.HasPrefix(k, `"holders": `) || strings.HasPrefix(k, `"names": `) || strings.HasPrefix(k, `"members": `) ||
			strings.HasPrefix(k, `"hidden": `) || strings.HasPrefix(k, `"owner_uid": `) {
			continue
		}
		kept = append(kept, l)
	}
	for i := range kept {
		if i+1 < len(kept) && strings.HasPrefix(strings.TrimLeft(kept[i+1], " "), "}") {
			kept[i] = strings.TrimSuffix(kept[i], ",")
		}
	}
	return strings.Join(kept, "\n")
}

// TestLsTreesAndJSONMatchLsns compares -T owner, -T parent (and -T alone),
// with -p, and -J with the real lsns, byte for byte. A process C runs in a
// user namespace U2 (with a new net and pid namespace), child of U1, child of
// the initial user namespace: -p C prints C's namespaces and, in the owner
// and parent trees, the owners and parents lsns pulls in (U1, the initial
// user namespace, the parent pid namespace), an owner or parent before what
// it owns or parents. C's command line holds what JSON must escape, or not
// (&, <, >, quotes, backslashes, control bytes, UTF-8, an invalid byte).
func TestLsTreesAndJSONMatchLsns(t *testing.T) {
	testutil.RequireRoot(t)
	lsns, err := exec.LookPath("lsns")
	if err != nil {
		t.Fatalf("lsns not found (util-linux): %v", err)
	}
	weird := "w a&b<c>'d' \"q\" \\ \x01\t\x1b\x7f é\u2028\xff"
	cmd := exec.Command("unshare", "--kill-child", "--user", "--map-root-user", "--fork",
		"unshare", "--kill-child", "--user", "--map-root-user", "--net", "--pid", "--fork", "sh", "-c", "read x", weird)
	stdin, err := cmd.StdinPipe() // sh waits on it, with no process of its own in its namespaces
	if err != nil {
		t.Fatal(err)
	}
	testutil.Start(t, cmd)
	t.Cleanup(func() { stdin.Close() })
	var c int
	deadline := time.Now().Add(10 * time.Second)
	for c == 0 {
		for _, pid := range testutil.Descendants(cmd.Process.Pid) {
			comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
			if strings.TrimSpace(string(comm)) == "sh" {
				c = pid
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("test namespaces not set up in time")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if lsNSInode(t, fmt.Sprintf("/proc/%d/ns/pid", c)) == lsNSInode(t, "/proc/self/ns/pid") {
		t.Fatalf("pid %d is not in a new pid namespace", c)
	}
	p := strconv.Itoa(c)

	// lsns 2.38 reads -T's relation only when attached (-T=REL, --tree=REL):
	// in "-T parent" the word is its namespace argument. nstui takes the word
	// as the relation (it has no namespace argument).
	if out, err := exec.Command(lsns, "-T", "parent").CombinedOutput(); err == nil || !strings.Contains(string(out), "invalid namespace argument") {
		t.Errorf("lsns -T parent: %v %q; this test expects lsns 2.38's 'invalid namespace argument'", err, out)
	}
	for _, tc := range []struct{ lsns, ours []string }{
		{[]string{"-T", "-o", "NS,TYPE,PID"}, []string{"-T", "-o", "NS,TYPE,PID"}},
		{[]string{"-T", "-o", "NS,TYPE,PID"}, []string{"-T", "owner", "-o", "NS,TYPE,PID"}},
		{[]string{"-T=owner", "-o", "NS,TYPE,PID"}, []string{"--tree=owner", "-o", "NS,TYPE,PID"}},
		{[]string{"--tree=parent", "-o", "NS,TYPE,PID,PPID"}, []string{"-T", "parent", "-o", "NS,TYPE,PID,PPID"}},
		{[]string{"--tree=parent", "-o", "NS,TYPE,PID,PPID"}, []string{"-T=parent", "-o", "NS,TYPE,PID,PPID"}},
		{[]string{"-n", "--tree=parent", "-o", "NS,TYPE,PID,PPID,UID,USER,PNS,ONS"}, []string{"-n", "-T", "parent", "-o", "NS,TYPE,PID,PPID,UID,USER,PNS,ONS"}},
		{[]string{"-n", "--tree=owner", "-o", "TYPE,PID,NS"}, []string{"-n", "--tree=owner", "-o", "TYPE,PID,NS"}},
		{[]string{"-r", "--tree=owner", "-o", "NS,TYPE,PID,COMMAND"}, []string{"-r", "-T", "owner", "-o", "NS,TYPE,PID,COMMAND"}},
		{[]string{"-r", "--tree=process", "-o", "NS,TYPE,PID,COMMAND"}, []string{"-r", "-T", "process", "-o", "NS,TYPE,PID,COMMAND"}},
		{[]string{"-J", "--tree=owner", "-o", "NS,TYPE,PID,COMMAND"}, []string{"-J", "-T", "owner", "-o", "NS,TYPE,PID,COMMAND"}},
		{[]string{"-J", "--tree=parent", "-o", "NS,TYPE,PATH,PID,PPID,COMMAND,UID,USER,NETNSID,NSFS,PNS,ONS"},
			[]string{"-J", "-T", "parent", "-o", "NS,TYPE,PATH,PID,PPID,COMMAND,UID,USER,NETNSID,NSFS,PNS,ONS"}},
		{[]string{"-J", "-o", "NS,TYPE,PID,COMMAND"}, []string{"-J", "-o", "NS,TYPE,PID,COMMAND"}},
		{[]string{"-J", "-l", "-o", "NS,TYPE,COMMAND,USER"}, []string{"-J", "-l", "-o", "NS,TYPE,COMMAND,USER"}},
	} {
		la := append([]string{"-p", p}, tc.lsns...)
		want := lsnsOutput(t, lsns, la...)
		oa := append([]string{"ls", "-p", p}, tc.ours...)
		got, stderr, code := runLsBin(t, oa...)
		if code != 0 {
			t.Fatalf("nstui %v: exit %d: %s", oa, code, stderr)
		}
		if slices.Contains(tc.ours, "-J") {
			got = lsnsKeysOnly(got)
		}
		if got != string(want) {
			t.Errorf("nstui %q differs from lsns %q:\n%q\nlsns:\n%q", oa, la, got, want)
		}
	}
}

// TestLsTableEscapesLikeLsns: a process's name can hold terminal escapes;
// the table escapes what is not printable as lsns does (ESC, a line
// separator, a backslash before x) and keeps printable UTF-8, so listing
// never sends another process's escape sequences to the terminal.
func TestLsTableEscapesLikeLsns(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                     "plain",
		"a\x1b[31mred":              `a\x1b[31mred`,
		`back\x and \ alone`:        `back\x5cx and \ alone`,
		"sep\u2028é\x7f\xff\tend\n": `sep\xe2\x80\xa8é\x7f\xff\x09end\x0a`,
	} {
		if got := safeEncode(in); got != want {
			t.Errorf("safeEncode(%q) = %q, want %q", in, got, want)
		}
	}

	testutil.RequireRoot(t)
	lsns, err := exec.LookPath("lsns")
	if err != nil {
		t.Fatalf("lsns not found (util-linux): %v", err)
	}
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "sl\x1b]0;title\x07\x1b[31mred\\xq\u2028é")
	b, err := os.ReadFile(sleep)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := lsStartSleeper(t, "unshare", "--uts", name, "300")
	var row, uts string
	for range 100 { // until unshare has made the namespace and exec'd the copy
		uts = strconv.FormatUint(lsNSInode(t, "/proc/"+strconv.Itoa(cmd.Process.Pid)+"/ns/uts"), 10)
		out, _, _ := runLsBin(t, "ls", "-t", "uts", "-o", "NS,COMMAND")
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, uts+" ") && strings.Contains(l, "red") {
				row = l
			}
		}
		if row != "" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if row == "" || strings.ContainsAny(row, "\x1b\x07") {
		t.Fatalf("nstui ls row %q: want the namespace, with no raw escape", row)
	}
	for _, l := range strings.Split(string(lsnsOutput(t, lsns, "-t", "uts", "-o", "NS,COMMAND")), "\n") {
		if strings.HasPrefix(l, uts+" ") {
			if l != row {
				t.Errorf("nstui ls:\n%q\nlsns:\n%q", row, l)
			}
			return
		}
	}
	t.Fatalf("lsns does not list uts namespace %s", uts)
}

// TestLsNSFSLinesLikeLsns: a network namespace bind-mounted twice lists each
// mount on a line of its own in a table (the other columns blank there)
// and comma-separated with -r, as lsns does.
func TestLsNSFSLinesLikeLsns(t *testing.T) {
	testutil.RequireRoot(t)
	lsns, err := exec.LookPath("lsns")
	if err != nil {
		t.Fatalf("lsns not found (util-linux): %v", err)
	}
	name := fmt.Sprintf("nstui-nsfs-%d", os.Getpid())
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	second := filepath.Join(t.TempDir(), "second")
	if err := os.WriteFile(second, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("/run/netns/"+name, second, "", syscall.MS_BIND, ""); err != nil {
		t.Fatalf("bind mount: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(second, syscall.MNT_DETACH) })
	// lsns lists only namespaces with a process: put one in.
	lsStartSleeper(t, "ip", "netns", "exec", name, "sleep", "300")
	ino := strconv.FormatUint(lsNSInode(t, "/run/netns/"+name), 10)
	rows := func(out string) string { // the namespace's line and its continuation
		var got []string
		for _, l := range strings.Split(out, "\n") {
			switch {
			case strings.HasPrefix(l, ino+" "):
				got = append(got, l)
			case len(got) > 0 && strings.HasPrefix(l, "      "):
				got = append(got, l)
			case len(got) > 0:
				return strings.Join(got, "\n")
			}
		}
		return strings.Join(got, "\n")
	}
	for _, args := range [][]string{{"-t", "net", "-o", "NS,PID,NSFS,COMMAND"}, {"-t", "net", "-o", "NS,NSFS,PID", "-r"}} {
		var want, got string
		for range 50 { // until ip netns exec has exec'd sleep in the namespace
			want = rows(string(lsnsOutput(t, lsns, args...)))
			out, _, _ := runLsBin(t, append([]string{"ls"}, args...)...)
			got = rows(out)
			if got == want || (args[len(args)-1] == "COMMAND" && strings.Contains(want, "sleep") && strings.Contains(got, "sleep")) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if !strings.Contains(want, second) || got != want {
			t.Errorf("ls %v:\nnstui:\n%s\nlsns:\n%s", args, got, want)
		}
	}
}
