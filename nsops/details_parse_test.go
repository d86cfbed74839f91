package nsops

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

const detailsMountinfoFixture = `22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/root rw
23 22 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
24 22 0:23 / /sys rw,nosuid shared:7 - sysfs sysfs rw
25 24 0:24 / /sys/fs/cgroup rw master:3 - cgroup2 cgroup2 rw,nsdelegate
26 22 0:25 /sub\040dir /mnt/with\040space rw,relatime shared:5 master:2 propagate_from:1 - tmpfs my\134src rw,size=1024k
27 22 0:26 / /run rw unbindable - tmpfs tmpfs rw
28 27 0:4 net:[4026532500] /run/netns/a rw - nsfs nsfs rw
29 22 0:27 / /priv rw - tmpfs none
`

func TestDetailsParseMountinfo(t *testing.T) {
	ms, err := parseMountinfoTable([]byte(detailsMountinfoFixture))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 8 {
		t.Fatalf("got %d mounts, want 8", len(ms))
	}
	want := Mount{ID: 26, Parent: 22, MajorMinor: "0:25", Root: "/sub dir", Target: "/mnt/with space",
		Options: "rw,relatime", Propagation: "shared:5 master:2 propagate_from:1", FSType: "tmpfs",
		Source: `my\src`, SuperOptions: "rw,size=1024k"}
	if ms[4] != want {
		t.Errorf("line 5:\n got %+v\nwant %+v", ms[4], want)
	}
	if ms[0].Propagation != "shared:1" || ms[5].Propagation != "unbindable" || ms[7].Propagation != "private" {
		t.Errorf("propagation: %q %q %q", ms[0].Propagation, ms[5].Propagation, ms[7].Propagation)
	}
	if ms[7].SuperOptions != "" || ms[7].Source != "none" {
		t.Errorf("short line: %+v", ms[7])
	}
	if ms[6].Root != "net:[4026532500]" || ms[6].FSType != "nsfs" {
		t.Errorf("nsfs line: %+v", ms[6])
	}

	for _, bad := range []string{
		"1 2 3 4 5 6",                     // too short
		"x 1 0:1 / / rw - tmpfs t rw",     // bad id
		"1 1 0:1 / / rw shared:1 tmpfs t", // no separator
		"1 1 0:1 / / rw - tmpfs",          // no source
	} {
		if _, err := parseMountinfoTable([]byte(bad)); err == nil {
			t.Errorf("parseMountinfoTable(%q): no error", bad)
		}
	}
}

func TestDetailsMountTree(t *testing.T) {
	ms, err := parseMountinfoTable([]byte(detailsMountinfoFixture))
	if err != nil {
		t.Fatal(err)
	}
	d := &MntDetails{Mounts: ms}
	roots := d.Tree()
	if len(roots) != 1 || roots[0].Mount.ID != 22 {
		t.Fatalf("roots: %v", roots)
	}
	var got []string
	d.Walk(func(m *Mount, depth int) bool {
		got = append(got, strings.Repeat(" ", depth)+m.Target)
		return true
	})
	want := []string{"/", " /proc", " /sys", "  /sys/fs/cgroup", " /mnt/with space", " /run", "  /run/netns/a", " /priv"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("walk:\n got %q\nwant %q", got, want)
	}
	n := 0
	d.Walk(func(*Mount, int) bool { n++; return n < 3 })
	if n != 3 {
		t.Errorf("walk did not stop when asked: visited %d", n)
	}

	// A corrupt table (a parent cycle, a self parent, a duplicate id) must
	// still give a finite tree that shows every distinct mount once.
	cyc := &MntDetails{Mounts: []Mount{{ID: 1, Parent: 2}, {ID: 2, Parent: 1}, {ID: 3, Parent: 3}, {ID: 4, Parent: 1}, {ID: 4, Parent: 9}}}
	seen := map[int]int{}
	cyc.Walk(func(m *Mount, _ int) bool { seen[m.ID]++; return true })
	if !reflect.DeepEqual(seen, map[int]int{1: 1, 2: 1, 3: 1, 4: 1}) {
		t.Errorf("corrupt table walk: %v", seen)
	}
	var nilTable *MntDetails
	if nilTable.Tree() != nil {
		t.Error("nil table has a tree")
	}
}

func TestDetailsParseIDMap(t *testing.T) {
	got, err := parseIDMapFile([]byte("         0       1000          1\n         1     100000      65536\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []IDMapping{{0, 1000, 1}, {1, 100000, 65536}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v want %v", got, want)
	}
	if got, err := parseIDMapFile([]byte("0 0 4294967295\n")); err != nil || got[0].Count != 4294967295 {
		t.Errorf("initial map: %v %v", got, err)
	}
	if got, err := parseIDMapFile(nil); err != nil || got != nil {
		t.Errorf("empty map (not written yet): %v %v", got, err)
	}
	for _, bad := range []string{"0 1000", "0 1000 1 2", "-1 0 1", "0 0 4294967296", "a b c"} {
		if _, err := parseIDMapFile([]byte(bad)); err == nil {
			t.Errorf("parseIDMapFile(%q): no error", bad)
		}
	}
}

func TestDetailsParseTimensOffsets(t *testing.T) {
	got, err := parseTimensOffsetsFile([]byte("monotonic        1000         0\nboottime        -5   999999999\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := &TimeDetails{Monotonic: ClockOffset{1000, 0}, Boottime: ClockOffset{-5, 999999999}}
	if *got != *want {
		t.Errorf("got %+v want %+v", got, want)
	}
	if d := got.Boottime.Duration(); d != -5*time.Second+999999999 {
		t.Errorf("duration %v", d)
	}
	if d := (ClockOffset{Seconds: 1 << 62}).Duration(); d <= 0 {
		t.Errorf("huge offset did not saturate: %v", d)
	}
	if d := (ClockOffset{Seconds: -1 << 62}).Duration(); d >= 0 {
		t.Errorf("huge negative offset did not saturate: %v", d)
	}
	// Kernels before 5.x printed the numeric clock ids.
	if got, err := parseTimensOffsetsFile([]byte("1 3 0\n7 4 0\n")); err != nil || got.Monotonic.Seconds != 3 || got.Boottime.Seconds != 4 {
		t.Errorf("numeric clock ids: %+v %v", got, err)
	}
	for _, bad := range []string{"", "monotonic 0 0\n", "monotonic 0 0\nboottime 0 1000000000\n",
		"monotonic 0 0\nboottime 0 -1\n", "monotonic 0 0\nrealtime 0 0\n", "monotonic x 0\nboottime 0 0\n", "monotonic 0\n"} {
		if _, err := parseTimensOffsetsFile([]byte(bad)); err == nil {
			t.Errorf("parseTimensOffsetsFile(%q): no error", bad)
		}
	}
}

func TestDetailsParseCgroup(t *testing.T) {
	got, err := parseCgroupLines([]byte("4:memory:/process_api/x\n1:cpu,cpuacct:/\n2:name=systemd:/a:b\n0::/user.slice/u.scope\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []cgroupEntry{
		{4, []string{"memory"}, "/process_api/x"},
		{1, []string{"cpu", "cpuacct"}, "/"},
		{2, []string{"name=systemd"}, "/a:b"},
		{0, nil, "/user.slice/u.scope"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	for _, bad := range []string{"0:/x", "x::/", "-1::/", "0::relative"} {
		if _, err := parseCgroupLines([]byte(bad)); err == nil {
			t.Errorf("parseCgroupLines(%q): no error", bad)
		}
	}
}

func TestDetailsCgroupRoot(t *testing.T) {
	for _, c := range []struct {
		outside, inside, root string
		ok                    bool
	}{
		{"/a/b", "/", "/a/b", true},
		{"/a/b/c", "/b/c", "/a", true},
		{"/a/b", "/a/b", "/", true},
		{"/", "/", "/", true},
		{"/a/sub2", "/../sub2", "", false},
		{"/a/bc", "/c", "", false}, // not on a path boundary
		{"/a/b", "/x", "", false},
		{"", "/", "", false},
		{"//b", "/b", "", false}, // found by FuzzDetailsCgroup
	} {
		root, ok := cgroupRootFromViews(c.outside, c.inside)
		if root != c.root || ok != c.ok {
			t.Errorf("cgroupRootFromViews(%q, %q) = %q, %v; want %q, %v", c.outside, c.inside, root, ok, c.root, c.ok)
		}
	}
}

func TestDetailsCountSysvipc(t *testing.T) {
	hdr := "       key      shmid perms       size  cpid  lpid nattch\n"
	for in, want := range map[string]int{
		"":                               0,
		hdr:                              0,
		hdr + "  0  1 600 4096 10 0 0\n": 1,
		hdr + "a\nb\n\n":                 2,
	} {
		if got := countSysvipcEntries([]byte(in)); got != want {
			t.Errorf("countSysvipcEntries(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestDetailsProcDirOfNSPath(t *testing.T) {
	for in, want := range map[string]struct {
		dir string
		pid int
	}{
		"/proc/42/ns/net":            {"/proc/42", 42},
		"/proc/42/task/43/ns/uts":    {"/proc/42/task/43", 43},
		"/run/netns/x":               {"", 0},
		"/proc/self/ns/net":          {"", 0},
		"/proc/42/fd/3":              {"", 0},
		"/proc/42/task/x/ns/net":     {"", 0},
		"/proc/42/extra/path/ns/net": {"", 0},
		"/proc/0/ns/net":             {"", 0},
	} {
		dir, pid := procDirOfNSPath(in)
		if dir != want.dir || pid != want.pid {
			t.Errorf("procDirOfNSPath(%q) = %q, %d; want %q, %d", in, dir, pid, want.dir, want.pid)
		}
	}
}

func TestDetailsBadInput(t *testing.T) {
	if _, err := ReadDetails(nil, nil); err == nil {
		t.Error("nil namespace: no error")
	}
	if _, err := ReadDetails(&Namespace{Type: NSType(99)}, nil); err == nil {
		t.Error("invalid type: no error")
	}
	_, err := ReadDetails(&Namespace{Type: MntNS, ID: NSID{Ino: 1}}, nil)
	if !errors.Is(err, ErrNoDetailsSource) {
		t.Errorf("nothing to read from: %v, want ErrNoDetailsSource", err)
	}
	if _, err := ReadSnapshotDetails(nil, nil); err == nil {
		t.Error("nil namespace via snapshot: no error")
	}
}

// Fuzz targets: the parsers read files another (possibly hostile) process
// controls the content of, e.g. mount points with odd names. They must
// never panic, and what they accept must be self-consistent.

func FuzzDetailsMountinfo(f *testing.F) {
	f.Add([]byte(detailsMountinfoFixture))
	f.Add([]byte("1 1 0:1 / / rw - a b\n"))
	f.Add([]byte("1 2 0:1 \\ \\1 rw x - - - -\n2 1 0:1 \\777 / rw - t s o\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, err := parseMountinfoTable(b)
		if err != nil {
			return
		}
		d := &MntDetails{Mounts: ms}
		ids := map[int]bool{}
		for _, m := range ms {
			ids[m.ID] = true
		}
		seen := map[int]bool{}
		d.Walk(func(m *Mount, _ int) bool {
			if seen[m.ID] {
				t.Fatalf("mount %d visited twice", m.ID)
			}
			seen[m.ID] = true
			return true
		})
		if len(seen) != len(ids) {
			t.Fatalf("walk visited %d of %d mounts", len(seen), len(ids))
		}
	})
}

func FuzzDetailsIDMap(f *testing.F) {
	f.Add([]byte("0 1000 1\n1 100000 65536\n"))
	f.Add([]byte("0 0 4294967295\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, err := parseIDMapFile(b)
		if err == nil && len(ms) > strings.Count(string(b), "\n")+1 {
			t.Fatalf("%d mappings from %d lines", len(ms), strings.Count(string(b), "\n")+1)
		}
	})
}

func FuzzDetailsTimensOffsets(f *testing.F) {
	f.Add([]byte("monotonic 1000 0\nboottime 2000 0\n"))
	f.Add([]byte("monotonic -9223372036854775808 999999999\nboottime 9223372036854775807 0\n"))
	f.Add([]byte("1 0 0\n7 0 0\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		td, err := parseTimensOffsetsFile(b)
		if err != nil {
			return
		}
		for _, o := range []ClockOffset{td.Monotonic, td.Boottime} {
			if o.Nanoseconds < 0 || o.Nanoseconds >= int64(time.Second) {
				t.Fatalf("accepted nanoseconds %d", o.Nanoseconds)
			}
			if d := o.Duration(); (o.Seconds > 0 && d < 0) || (o.Seconds < 0 && d > 0) {
				t.Fatalf("duration %v has the wrong sign for %+v", d, o)
			}
		}
	})
}

func FuzzDetailsCgroup(f *testing.F) {
	f.Add([]byte("0::/user.slice\n4:memory:/x\n"), "/a/b", "/b")
	f.Add([]byte("1:name=systemd:/a:b\n"), "/a/sub2", "/../sub2")
	f.Add([]byte(""), "/", "/")
	f.Fuzz(func(t *testing.T, b []byte, outside, inside string) {
		es, err := parseCgroupLines(b)
		if err == nil {
			for _, e := range es {
				if !strings.HasPrefix(e.Path, "/") || e.HierarchyID < 0 {
					t.Fatalf("accepted %+v", e)
				}
			}
		}
		root, ok := cgroupRootFromViews(outside, inside)
		if ok {
			// The root joined with the inside path is the outside path.
			joined := root + inside
			switch {
			case root == "/":
				joined = inside
			case inside == "/":
				joined = root
			}
			if joined != outside {
				t.Fatalf("root %q + inside %q = %q, not outside %q", root, inside, joined, outside)
			}
		}
	})
}
