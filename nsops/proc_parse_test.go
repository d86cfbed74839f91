package nsops

import (
	"encoding/binary"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// Real lines as the kernel writes them (captured on Linux 6.18), plus the
// awkward ones: names with spaces and parentheses, short and junk input.
const (
	statSleep  = "4242 (sleep) S 4241 4242 4241 0 -1 4194304 99 0 0 0 0 0 0 0 20 0 1 0 42205 3133440 393 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
	statKernel = "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 3 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 0 1 0 0 0 0 0\n"
	statWeird  = "77 (a) b (c)) R 1 77 77 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 3 0 999 0 0 0\n"
)

func TestProcParseStat(t *testing.T) {
	st, err := parseStat([]byte(statSleep))
	if err != nil {
		t.Fatal(err)
	}
	if st.PID != 4242 || st.Comm != "sleep" || st.State != 'S' || st.PPID != 4241 || st.NumThreads != 1 || st.StartTime != 42205 || st.Flags&pfKThread != 0 {
		t.Fatalf("parseStat(sleep) = %+v", st)
	}
	st, err = parseStat([]byte(statKernel))
	if err != nil || st.Flags&pfKThread == 0 || st.PPID != 0 || st.StartTime != 3 {
		t.Fatalf("parseStat(kthreadd) = %+v, %v", st, err)
	}
	st, err = parseStat([]byte(statWeird))
	if err != nil || st.Comm != "a) b (c)" || st.NumThreads != 3 || st.StartTime != 999 {
		t.Fatalf("parseStat(weird comm) = %+v, %v", st, err)
	}
	for _, bad := range []string{"", "x", "12 (a", "(a) S 1", "12 (a) S", "12 (a) S x 1", "-1 (a) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5",
		"12 (a) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 notanumber"} {
		if _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("parseStat(%q) accepted malformed input", bad)
		}
	}
}

func TestProcParseStatus(t *testing.T) {
	in := "Name:\tsleep\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4242\nPid:\t4242\nPPid:\t4241\n" +
		"Uid:\t1000\t1001\t1002\t1003\nGid:\t0\t0\t0\t0\nNSpid:\t4242\t17\t1\nThreads:\t1\n"
	st, err := parseStatus([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if st.UID != 1001 || !slices.Equal(st.NSpid, []int{4242, 17, 1}) {
		t.Fatalf("parseStatus = %+v", st)
	}
	if _, err := parseStatus([]byte("Name:\tx\n")); err == nil {
		t.Error("status without Uid accepted")
	}
	if _, err := parseStatus([]byte("Uid:\t0\t0\t0\t0\nNSpid:\t1\tx\n")); err == nil {
		t.Error("status with a bad NSpid accepted")
	}
}

func TestProcParseCmdline(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"sleep\x00100\x00", []string{"sleep", "100"}},
		{"", nil},
		{"\x00\x00", nil},
		{"nginx: worker process", []string{"nginx: worker process"}}, // setproctitle style
		{"a\x00\x00b\x00", []string{"a", "", "b"}},
	} {
		if got := parseCmdline([]byte(tc.in)); !slices.Equal(got, tc.want) {
			t.Errorf("parseCmdline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestProcParseCgroupAndHint(t *testing.T) {
	v1v2 := "12:pids:/docker/abc\n0::/system.slice/docker-3f2a9c1b0d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4.scope\n"
	if got := parseCgroup([]byte(v1v2)); got != "/system.slice/docker-3f2a9c1b0d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4.scope" {
		t.Errorf("parseCgroup prefers v2: got %q", got)
	}
	if got := parseCgroup([]byte("9:name=systemd:/\n8:pids:/user.slice\n")); got != "/" {
		t.Errorf("parseCgroup v1 only: got %q", got)
	}
	if got := parseCgroup([]byte("0::/a:b/c\n")); got != "/a:b/c" {
		t.Errorf("parseCgroup with ':' in path: got %q", got)
	}
	for _, tc := range []struct{ path, want string }{
		{"/system.slice/docker-3f2a9c1b0d4e5f60718293a4b5c6.scope", "docker:3f2a9c1b0d4e"},
		{"/docker/3f2a9c1b0d4e5f60718293a4b5c6", "docker:3f2a9c1b0d4e"},
		{"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234_5678.slice/cri-containerd-ab12.scope", "kubepods:pod1234_5678"},
		{"/kubepods/burstable/pod0a1b2c/0123456789", "kubepods:pod0a1b2c"},
		{"/machine.slice/libpod-ab12cd34ef56ab12cd34.scope/container", "podman:ab12cd34ef56"},
		{"/system.slice/cri-containerd-0123456789abcdef.scope", "containerd:0123456789ab"},
		{"/lxc.payload.web1", "lxc:web1"},
		{"/lxc/web2/init.scope", "lxc:web2"},
		{"/user.slice/user-1000.slice/session-3.scope", "systemd:session-3.scope"},
		{"/user.slice", ""},
		{"/", ""},
		{"", ""},
	} {
		if got := containerHint(tc.path); got != tc.want {
			t.Errorf("containerHint(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}

func TestProcParseNSLink(t *testing.T) {
	for _, tc := range []struct {
		in   string
		t    NSType
		ino  uint64
		okay bool
	}{
		{"net:[4026531833]", NetNS, 4026531833, true},
		{"mnt:[4026531832]", MntNS, 4026531832, true},
		{"time:[4026531834]", TimeNS, 4026531834, true},
		{"cgroup:[1]", CgroupNS, 1, true},
		{"mount:[4026531832]", 0, 0, false}, // the kernel says mnt
		{"/run/netns/x", 0, 0, false},
		{"socket:[123]", 0, 0, false},
		{"net:[]", 0, 0, false},
		{"net:[0]", 0, 0, false},
		{"net:[12", 0, 0, false},
		{"net:[-1]", 0, 0, false},
		{"", 0, 0, false},
	} {
		typ, ino, ok := parseNSLink(tc.in)
		if ok != tc.okay || (ok && (typ != tc.t || ino != tc.ino)) {
			t.Errorf("parseNSLink(%q) = %v %d %v", tc.in, typ, ino, ok)
		}
	}
	if ino, ok := parseSocketLink("socket:[98765]"); !ok || ino != 98765 {
		t.Errorf("parseSocketLink = %d %v", ino, ok)
	}
	for _, bad := range []string{"socket:[]", "pipe:[1]", "socket:[x]", "/tmp/socket:[1]"} {
		if _, ok := parseSocketLink(bad); ok {
			t.Errorf("parseSocketLink(%q) accepted", bad)
		}
	}
}

const mountinfoSample = `21 26 0:20 / /proc rw,relatime - proc proc rw
26 1 8:1 / / rw,relatime shared:1 - ext4 /dev/root rw
42 41 0:4 net:[4026532176] /run/netns/blue rw shared:2 - nsfs nsfs rw
44 43 0:4 net:[4026532245] /tmp/with\040space/netf rw - nsfs nsfs rw
45 43 0:4 user:[4026532300] /tmp/userns rw master:3 - nsfs nsfs rw
46 43 0:4 / /tmp/odd rw - nsfs nsfs rw
47 43 0:4 net:[4026532245] /tmp/nsfs - dir rw - tmpfs tmpfs rw
`

func TestProcParseMountinfoNSFS(t *testing.T) {
	got := parseMountinfoNSFS([]byte(mountinfoSample))
	want := []nsfsMount{
		{NetNS, 4026532176, "/run/netns/blue"},
		{NetNS, 4026532245, "/tmp/with space/netf"},
		{UserNS, 4026532300, "/tmp/userns"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("parseMountinfoNSFS = %+v, want %+v", got, want)
	}
	if got := unescapeMountField(`a\011b\134c\012d\777e\0`); got != "a\tb\\c\nd\\777e\\0" {
		t.Errorf("unescapeMountField = %q", got)
	}
}

func TestProcParsePIDName(t *testing.T) {
	for _, tc := range []struct {
		in  string
		pid int
		ok  bool
	}{{"1", 1, true}, {"4194304", 4194304, true}, {"0", 0, false}, {"self", 0, false}, {"12a", 0, false}, {"", 0, false}, {"99999999999", 0, false}} {
		pid, ok := parsePIDName(tc.in)
		if ok != tc.ok || pid != tc.pid {
			t.Errorf("parsePIDName(%q) = %d %v", tc.in, pid, ok)
		}
	}
}

// nsidMessage builds one RTM_NEWNSID message as the kernel sends it.
func nsidMessage(seq uint32, id int32) []byte {
	b := make([]byte, unix.NLMSG_HDRLEN+4+8)
	ne := binary.NativeEndian
	ne.PutUint32(b[0:], uint32(len(b)))
	ne.PutUint16(b[4:], unix.RTM_NEWNSID)
	ne.PutUint32(b[8:], seq)
	ne.PutUint16(b[20:], 8)
	ne.PutUint16(b[22:], unix.NETNSA_NSID)
	ne.PutUint32(b[24:], uint32(id))
	return b
}

func TestProcParseNSIDMessages(t *testing.T) {
	b := append(nsidMessage(7, 3), nsidMessage(7, -1)...)
	b = append(b, nsidMessage(6, 9)...) // another request's: ignored
	ids, done := parseNSIDMessages(b, 7)
	if !slices.Equal(ids, []int32{3, -1}) || done {
		t.Fatalf("parseNSIDMessages = %v %v", ids, done)
	}
	if netnsidString(-1) != "unassigned" || netnsidString(5) != "5" || netnsidString(-2) != "" {
		t.Error("netnsidString does not render like lsns")
	}
	if ids, _ := parseNSIDMessages([]byte{1, 2, 3}, 1); len(ids) != 0 {
		t.Error("garbage produced ids")
	}
}

// Fuzz targets: every parser of untrusted /proc or netlink bytes must not
// panic, and what it accepts must be self-consistent.

func FuzzParseStat(f *testing.F) {
	for _, s := range []string{statSleep, statKernel, statWeird, "", "1 () R 0", "1 (x)"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := parseStat(b)
		if err == nil && st.PID <= 0 {
			t.Fatalf("accepted pid %d", st.PID)
		}
	})
}

func FuzzParseStatus(f *testing.F) {
	f.Add([]byte("Uid:\t0\t0\t0\t0\nNSpid:\t5\t1\n"))
	f.Add([]byte("Uid:\n"))
	f.Add([]byte("NSpid:\t-1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := parseStatus(b)
		if err == nil {
			if st.UID < 0 {
				t.Fatalf("accepted uid %d", st.UID)
			}
			for _, p := range st.NSpid {
				if p <= 0 {
					t.Fatalf("accepted NSpid %v", st.NSpid)
				}
			}
		}
	})
}

func FuzzParseCmdline(f *testing.F) {
	f.Add([]byte("sleep\x00100\x00"))
	f.Add([]byte("\x00"))
	f.Add([]byte("title without nul"))
	f.Add([]byte("a\x00\x00b\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, a := range parseCmdline(b) {
			if len(a) > len(b) {
				t.Fatal("argument longer than input")
			}
		}
		// lsns's COMMAND, built in one go, is the arguments joined by spaces.
		if got, want := cmdlineString(b), strings.Join(parseCmdline(b), " "); got != want {
			t.Fatalf("cmdlineString(%q) = %q, want %q", b, got, want)
		}
	})
}

func FuzzParseCgroup(f *testing.F) {
	f.Add([]byte("0::/system.slice/docker-ab.scope\n"))
	f.Add([]byte("1:cpu:/kubepods/pod1/x\n0::/\n"))
	f.Add([]byte("::\n:"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = containerHint(parseCgroup(b))
	})
}

func FuzzParseNSLink(f *testing.F) {
	for _, s := range []string{"net:[4026531833]", "user:[1]", "socket:[5]", "net:[", ":[1]", "/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		typ, ino, ok := parseNSLink(s)
		if ok && (!typ.Valid() || ino == 0) {
			t.Fatalf("accepted %q as %v %d", s, typ, ino)
		}
		for _, want := range AllTypes() { // the allocation-free parser agrees
			bino, bok := parseNSLinkBytes([]byte(s), want)
			if bok != (ok && typ == want) || (bok && bino != ino) {
				t.Fatalf("parseNSLinkBytes(%q, %v) = %d %v; parseNSLink = %v %d %v", s, want, bino, bok, typ, ino, ok)
			}
		}
		_, _ = parseSocketLink(s)
	})
}

func FuzzParseMountinfo(f *testing.F) {
	f.Add([]byte(mountinfoSample))
	f.Add([]byte("1 2 0:4 net:[5] /a rw - nsfs nsfs rw"))
	f.Add([]byte(" - nsfs \\"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, m := range parseMountinfoNSFS(b) {
			if !m.Type.Valid() || m.Ino == 0 {
				t.Fatalf("bad mount %+v", m)
			}
		}
	})
}

func FuzzParseNSIDMessages(f *testing.F) {
	f.Add(nsidMessage(1, 4), uint32(1))
	f.Add(append(nsidMessage(2, -1), 0, 0, 0), uint32(2))
	f.Add([]byte{255, 255, 255, 255}, uint32(0))
	f.Fuzz(func(t *testing.T, b []byte, seq uint32) {
		_, _ = parseNSIDMessages(b, seq)
	})
}
