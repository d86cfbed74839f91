package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nstui/nstui/internal/testutil"
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
		l1, err := exec.Command(lsns, "-J", "--output-all").Output()
		if err != nil {
			t.Fatalf("lsns: %v", err)
		}
		ours, stderr, code := runLsBin(t, "ls", "-J")
		if code != 0 {
			t.Fatalf("nstui ls -J: exit %d: %s", code, stderr)
		}
		l2, err := exec.Command(lsns, "-J", "--output-all").Output()
		if err != nil {
			t.Fatalf("lsns: %v", err)
		}
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
