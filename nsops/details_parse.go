package nsops

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Parsers for the /proc files ReadDetails reads. They take the file's bytes
// so tests and fuzzing can feed them anything; none of them panics.

// MntDetails is the mount table of a mount namespace, as its member sees
// it (/proc/<pid>/mountinfo), in the kernel's order (parents before their
// children).
type MntDetails struct {
	Mounts []Mount `json:"mounts"`
}

// Mount is one line of mountinfo.
type Mount struct {
	ID           int    `json:"id"`
	Parent       int    `json:"parent"`
	MajorMinor   string `json:"major_minor"`
	Root         string `json:"root"`   // the directory of the filesystem mounted here
	Target       string `json:"target"` // the mount point, relative to the member's root
	Options      string `json:"options"`
	Propagation  string `json:"propagation"` // "shared:N", "master:N", "unbindable" (space separated) or "private"
	FSType       string `json:"fstype"`
	Source       string `json:"source"`
	SuperOptions string `json:"super_options"`
}

// MountNode is a mount and the mounts on top of paths inside it.
type MountNode struct {
	Mount    *Mount
	Children []*MountNode
}

// Tree returns the mounts as a forest by parent id, children in table
// order. A mount whose parent is not in the table (the namespace's root
// mount, whose parent lies outside a chroot or is itself) is a root.
func (m *MntDetails) Tree() []*MountNode {
	if m == nil {
		return nil
	}
	nodes := make(map[int]*MountNode, len(m.Mounts))
	order := make([]*MountNode, 0, len(m.Mounts))
	for i := range m.Mounts {
		if _, dup := nodes[m.Mounts[i].ID]; dup {
			continue
		}
		n := &MountNode{Mount: &m.Mounts[i]}
		nodes[n.Mount.ID] = n
		order = append(order, n)
	}
	var roots []*MountNode
	for _, n := range order {
		p, ok := nodes[n.Mount.Parent]
		if !ok || p == n || createsCycle(nodes, n) {
			roots = append(roots, n)
			continue
		}
		p.Children = append(p.Children, n)
	}
	return roots
}

// createsCycle reports whether following parents from n leads back to n
// (impossible in a real table, possible in a corrupt one).
func createsCycle(nodes map[int]*MountNode, n *MountNode) bool {
	seen := map[int]bool{n.Mount.ID: true}
	for id := n.Mount.Parent; ; {
		p, ok := nodes[id]
		if !ok || p.Mount.Parent == id {
			return false
		}
		if seen[id] {
			return true
		}
		seen[id] = true
		id = p.Mount.Parent
	}
}

// Walk visits the mount tree depth first, parents before children; depth
// is 0 for roots. It stops early when fn returns false.
func (m *MntDetails) Walk(fn func(mnt *Mount, depth int) bool) {
	var walk func(ns []*MountNode, depth int) bool
	walk = func(ns []*MountNode, depth int) bool {
		for _, n := range ns {
			if !fn(n.Mount, depth) || !walk(n.Children, depth+1) {
				return false
			}
		}
		return true
	}
	walk(m.Tree(), 0)
}

// parseMountinfoTable parses /proc/<pid>/mountinfo (see proc(5)):
//
//	36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
func parseMountinfoTable(b []byte) ([]Mount, error) {
	var out []Mount
	for n, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Fields(line)
		sep := -1
		for i := 6; i < len(f); i++ {
			if f[i] == "-" {
				sep = i
				break
			}
		}
		if len(f) < 7 || sep < 0 || len(f) < sep+3 {
			return nil, fmt.Errorf("line %d: want at least 10 fields with a \"-\" separator, got %q", n+1, line)
		}
		id, err1 := strconv.Atoi(f[0])
		parent, err2 := strconv.Atoi(f[1])
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("line %d: mount ids: %w", n+1, err)
		}
		m := Mount{
			ID:          id,
			Parent:      parent,
			MajorMinor:  f[2],
			Root:        unescapeMountinfoPath(f[3]),
			Target:      unescapeMountinfoPath(f[4]),
			Options:     f[5],
			Propagation: "private",
			FSType:      unescapeMountinfoPath(f[sep+1]),
			Source:      unescapeMountinfoPath(f[sep+2]),
		}
		if sep > 6 {
			m.Propagation = strings.Join(f[6:sep], " ")
		}
		if len(f) > sep+3 {
			m.SuperOptions = f[sep+3]
		}
		out = append(out, m)
	}
	return out, nil
}

// unescapeMountinfoPath undoes the kernel's octal escapes (\040 for a space,
// \011, \012, \134) in mountinfo paths.
func unescapeMountinfoPath(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOctalDigit(s[i+1]) && isOctalDigit(s[i+2]) && isOctalDigit(s[i+3]) {
			v := (s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0')
			b.WriteByte(v)
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctalDigit(c byte) bool { return c >= '0' && c <= '7' }

// parseIDMapFile parses /proc/<pid>/uid_map or gid_map: lines of
// "inside outside count".
func parseIDMapFile(b []byte) ([]IDMapping, error) {
	var out []IDMapping
	for n, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 {
			return nil, fmt.Errorf("line %d: want 3 fields (inside outside count), got %q", n+1, line)
		}
		var v [3]uint32
		for i := range f {
			x, err := strconv.ParseUint(f[i], 10, 32)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n+1, err)
			}
			v[i] = uint32(x)
		}
		out = append(out, IDMapping{Inside: v[0], Outside: v[1], Count: v[2]})
	}
	return out, nil
}

// ClockOffset is a time namespace's offset for one clock.
type ClockOffset struct {
	Seconds     int64 `json:"seconds"`
	Nanoseconds int64 `json:"nanoseconds"` // 0..999999999
}

// Duration returns the offset as a time.Duration (saturating at its range).
func (o ClockOffset) Duration() time.Duration {
	const maxSec = int64(1<<63-1) / int64(time.Second)
	switch {
	case o.Seconds > maxSec-1:
		return time.Duration(1<<63 - 1)
	case o.Seconds < -maxSec+1:
		return time.Duration(-1 << 63)
	}
	return time.Duration(o.Seconds)*time.Second + time.Duration(o.Nanoseconds)
}

// parseTimensOffsetsFile parses /proc/<pid>/timens_offsets: lines of
// "<clock> <seconds> <nanoseconds>" for clocks monotonic and boottime.
func parseTimensOffsetsFile(b []byte) (*TimeDetails, error) {
	t := &TimeDetails{}
	var seen [2]bool
	for n, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 {
			return nil, fmt.Errorf("line %d: want 3 fields (clock seconds nanoseconds), got %q", n+1, line)
		}
		sec, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: seconds: %w", n+1, err)
		}
		nsec, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: nanoseconds: %w", n+1, err)
		}
		if nsec < 0 || nsec >= int64(time.Second) {
			return nil, fmt.Errorf("line %d: nanoseconds %d out of range", n+1, nsec)
		}
		o := ClockOffset{Seconds: sec, Nanoseconds: nsec}
		switch f[0] {
		case "monotonic", "1": // older kernels print the clock id
			t.Monotonic, seen[0] = o, true
		case "boottime", "7":
			t.Boottime, seen[1] = o, true
		default:
			return nil, fmt.Errorf("line %d: unknown clock %q", n+1, f[0])
		}
	}
	if !seen[0] || !seen[1] {
		return nil, errors.New("want a monotonic and a boottime line")
	}
	return t, nil
}

// cgroupEntry is one line of /proc/<pid>/cgroup.
type cgroupEntry struct {
	HierarchyID int
	Controllers []string
	Path        string
}

// parseCgroupLines parses /proc/<pid>/cgroup: "hierarchy-ID:controllers:path"
// (v2: "0::/path"; the path may itself contain colons).
func parseCgroupLines(b []byte) ([]cgroupEntry, error) {
	var out []cgroupEntry
	for n, line := range strings.Split(string(b), "\n") {
		if line == "" {
			continue
		}
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 {
			return nil, fmt.Errorf("line %d: want hierarchy-ID:controllers:path, got %q", n+1, line)
		}
		id, err := strconv.Atoi(f[0])
		if err != nil || id < 0 {
			return nil, fmt.Errorf("line %d: bad hierarchy id %q", n+1, f[0])
		}
		if !strings.HasPrefix(f[2], "/") {
			return nil, fmt.Errorf("line %d: path %q is not absolute", n+1, f[2])
		}
		e := cgroupEntry{HierarchyID: id, Path: f[2]}
		if f[1] != "" {
			e.Controllers = strings.Split(f[1], ",")
		}
		out = append(out, e)
	}
	return out, nil
}

// cgroupRootFromViews derives a cgroup namespace's root (as the reader sees
// it) from one process's cgroup seen by the reader (outside) and from
// inside the namespace (inside, relative to the root). When the process
// lies outside the root, inside starts with "/.." and the root's own name
// is not recoverable: ok is false.
func cgroupRootFromViews(outside, inside string) (root string, ok bool) {
	if !strings.HasPrefix(outside, "/") || !strings.HasPrefix(inside, "/") {
		return "", false
	}
	for _, c := range strings.Split(inside, "/") {
		if c == ".." {
			return "", false
		}
	}
	if inside == "/" {
		return outside, true
	}
	if !strings.HasSuffix(outside, inside) {
		return "", false
	}
	root = strings.TrimSuffix(outside, inside)
	switch {
	case root == "":
		return "/", true
	case strings.HasSuffix(root, "/"):
		return "", false // "//" in a path: not something the kernel prints
	}
	return root, true
}

// countSysvipcEntries counts the objects listed in a /proc/sysvipc file
// (one header line, then one line per object).
func countSysvipcEntries(b []byte) int {
	n := 0
	for i, line := range bytes.Split(b, []byte("\n")) {
		if i == 0 || len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		n++
	}
	return n
}
