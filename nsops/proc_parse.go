package nsops

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
)

// The parsers in this file read the text of /proc files. They take bytes the
// kernel (or a fixture tree) produced and never panic on malformed input:
// each returns an error or a zero value instead. Every one has a fuzz target.

// errMalformed is returned when a /proc file does not have the expected shape.
var errMalformed = errors.New("malformed /proc data")

// procStat is the part of /proc/<pid>/stat discovery uses.
type procStat struct {
	PID        int
	Comm       string
	State      byte
	PPID       int
	Flags      uint64 // PF_* flags (field 9); PF_KTHREAD marks kernel threads
	NumThreads int
	StartTime  uint64 // clock ticks after boot (field 22)
}

// parseStat parses /proc/<pid>/stat. The command name sits in parentheses and
// may itself contain spaces and ')', so the fields after it are found from
// the last ')' (as ps and lsns do).
func parseStat(b []byte) (procStat, error) {
	var st procStat
	open := bytes.IndexByte(b, '(')
	closing := bytes.LastIndexByte(b, ')')
	if open <= 0 || closing < open {
		return st, errMalformed
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b[:open])))
	if err != nil || pid <= 0 {
		return st, errMalformed
	}
	st.PID = pid
	st.Comm = string(b[open+1 : closing])
	// Fields after ")": 3 state, 4 ppid, ... 20 num_threads, 21 itrealvalue, 22 starttime.
	rest := b[closing+1:]
	field := 2 // the field number of the token just consumed
	for len(rest) > 0 && field < 22 {
		rest = bytes.TrimLeft(rest, " ")
		end := bytes.IndexByte(rest, ' ')
		var tok []byte
		if end < 0 {
			tok, rest = bytes.TrimRight(rest, "\n"), nil
		} else {
			tok, rest = rest[:end], rest[end+1:]
		}
		if len(tok) == 0 {
			break
		}
		field++
		switch field {
		case 3:
			st.State = tok[0]
		case 4:
			v, err := strconv.Atoi(string(tok))
			if err != nil {
				return st, errMalformed
			}
			st.PPID = v
		case 9:
			v, err := strconv.ParseUint(string(tok), 10, 64)
			if err != nil {
				return st, errMalformed
			}
			st.Flags = v
		case 20:
			v, err := strconv.Atoi(string(tok))
			if err != nil {
				return st, errMalformed
			}
			st.NumThreads = v
		case 22:
			v, err := strconv.ParseUint(string(tok), 10, 64)
			if err != nil {
				return st, errMalformed
			}
			st.StartTime = v
		}
	}
	if field < 22 {
		return st, errMalformed
	}
	return st, nil
}

// procStatus is the part of /proc/<pid>/status discovery uses.
type procStatus struct {
	UID   int   // effective uid (the one ps shows as USER)
	NSpid []int // pid in each pid namespace, outermost first
}

// parseStatus parses the Uid and NSpid lines of /proc/<pid>/status. A kernel
// without NSpid (before 4.1) leaves NSpid empty.
func parseStatus(b []byte) (procStatus, error) {
	st := procStatus{UID: -1}
	for len(b) > 0 {
		nl := bytes.IndexByte(b, '\n')
		var line []byte
		if nl < 0 {
			line, b = b, nil
		} else {
			line, b = b[:nl], b[nl+1:]
		}
		switch {
		case bytes.HasPrefix(line, []byte("Uid:")):
			f := strings.Fields(string(line[4:]))
			if len(f) < 2 {
				return st, errMalformed
			}
			v, err := strconv.Atoi(f[1])
			if err != nil || v < 0 {
				return st, errMalformed
			}
			st.UID = v
		case bytes.HasPrefix(line, []byte("NSpid:")):
			f := strings.Fields(string(line[6:]))
			st.NSpid = make([]int, 0, len(f))
			for _, s := range f {
				v, err := strconv.Atoi(s)
				if err != nil || v <= 0 {
					return st, errMalformed
				}
				st.NSpid = append(st.NSpid, v)
			}
		}
	}
	if st.UID < 0 {
		return st, errMalformed
	}
	return st, nil
}

// parseCmdline splits /proc/<pid>/cmdline (NUL-separated, usually
// NUL-terminated) into arguments. A process that rewrote its argv area may
// leave no terminator or use spaces; both are returned as they are.
func parseCmdline(b []byte) []string {
	b = bytes.TrimRight(b, "\x00")
	if len(b) == 0 {
		return nil
	}
	parts := bytes.Split(b, []byte{0})
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = string(p)
	}
	return out
}

// cmdlineString is strings.Join(parseCmdline(b), " ") (lsns's COMMAND) in
// one allocation: the NUL separators become spaces.
func cmdlineString(b []byte) string {
	b = bytes.TrimRight(b, "\x00")
	var sb strings.Builder
	sb.Grow(len(b))
	for len(b) > 0 {
		i := bytes.IndexByte(b, 0)
		if i < 0 {
			sb.Write(b)
			break
		}
		sb.Write(b[:i])
		sb.WriteByte(' ')
		b = b[i+1:]
	}
	return sb.String()
}

// parseCgroup returns the cgroup path of /proc/<pid>/cgroup: the v2 entry
// ("0::/path") when there is one, else the first v1 entry's path.
func parseCgroup(b []byte) string {
	first := ""
	for _, line := range strings.Split(string(b), "\n") {
		// hierarchy-ID:controller-list:cgroup-path; the path may contain ':'.
		i := strings.IndexByte(line, ':')
		if i < 0 {
			continue
		}
		j := strings.IndexByte(line[i+1:], ':')
		if j < 0 {
			continue
		}
		path := line[i+1+j+1:]
		if line[:i] == "0" && j == 0 {
			return path
		}
		if first == "" {
			first = path
		}
	}
	return first
}

// containerHint names the container manager a cgroup path points to, with a
// short id, e.g. "docker:3f2a9c1b0d4e", "kubepods:pod1234", "podman:ab12cd34ef56",
// "systemd:session-3.scope". It returns "" when the path says nothing.
func containerHint(cg string) string {
	if cg == "" || cg == "/" {
		return ""
	}
	parts := strings.Split(strings.Trim(cg, "/"), "/")
	short := func(id string) string {
		if len(id) > 12 {
			return id[:12]
		}
		return id
	}
	for _, p := range parts {
		switch {
		case strings.HasPrefix(p, "kubepods"):
			// kubepods[-besteffort|-burstable][.slice]/.../pod<uid>/<container>
			for _, q := range parts {
				if strings.HasPrefix(q, "pod") {
					return "kubepods:" + strings.TrimSuffix(q, ".slice")
				}
				if i := strings.LastIndex(q, "-pod"); i >= 0 {
					return "kubepods:" + strings.TrimSuffix(q[i+1:], ".slice")
				}
			}
			return "kubepods"
		case strings.HasPrefix(p, "docker-") && strings.HasSuffix(p, ".scope"):
			return "docker:" + short(strings.TrimSuffix(strings.TrimPrefix(p, "docker-"), ".scope"))
		case p == "docker":
			if i := indexOf(parts, p); i+1 < len(parts) {
				return "docker:" + short(parts[i+1])
			}
			return "docker"
		case strings.HasPrefix(p, "libpod-") && strings.HasSuffix(p, ".scope"):
			return "podman:" + short(strings.TrimSuffix(strings.TrimPrefix(p, "libpod-"), ".scope"))
		case p == "libpod_parent" || strings.HasPrefix(p, "libpod-conmon"):
			return "podman"
		case strings.HasPrefix(p, "cri-containerd-") && strings.HasSuffix(p, ".scope"):
			return "containerd:" + short(strings.TrimSuffix(strings.TrimPrefix(p, "cri-containerd-"), ".scope"))
		case strings.HasPrefix(p, "crio-") && strings.HasSuffix(p, ".scope"):
			return "crio:" + short(strings.TrimSuffix(strings.TrimPrefix(p, "crio-"), ".scope"))
		case p == "lxc" || p == "lxc.payload" || strings.HasPrefix(p, "lxc.payload."):
			if strings.HasPrefix(p, "lxc.payload.") {
				return "lxc:" + strings.TrimPrefix(p, "lxc.payload.")
			}
			if i := indexOf(parts, p); i+1 < len(parts) {
				return "lxc:" + parts[i+1]
			}
			return "lxc"
		}
	}
	last := parts[len(parts)-1]
	if strings.HasSuffix(last, ".scope") {
		return "systemd:" + last
	}
	return ""
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// parseNSLink parses the text of an nsfs link or file name, "net:[4026531833]",
// as readlink on /proc/<pid>/ns/<type> or /proc/<pid>/fd/<n> returns it, and as
// mountinfo shows the root of an nsfs mount. ok is false for anything else
// (regular paths start with '/', sockets say "socket:[...]").
func parseNSLink(s string) (t NSType, ino uint64, ok bool) {
	colon := strings.IndexByte(s, ':')
	if colon <= 0 || len(s) < colon+4 || s[colon+1] != '[' || s[len(s)-1] != ']' {
		return 0, 0, false
	}
	t, err := ParseNSType(s[:colon])
	if err != nil || s[:colon] != t.String() {
		return 0, 0, false
	}
	digits := s[colon+2 : len(s)-1]
	if len(digits) > 19 {
		return 0, 0, false
	}
	ino, err = strconv.ParseUint(digits, 10, 64)
	if err != nil || ino == 0 {
		return 0, 0, false
	}
	return t, ino, true
}

// parseNSLinkBytes parses the link text of a ns/<type> link of the expected
// type t ("net:[4026531833]") without allocating.
func parseNSLinkBytes(b []byte, t NSType) (uint64, bool) {
	name := t.String()
	if len(b) < len(name)+4 || string(b[:len(name)]) != name || b[len(name)] != ':' || b[len(name)+1] != '[' || b[len(b)-1] != ']' {
		return 0, false
	}
	var ino uint64
	digits := b[len(name)+2 : len(b)-1]
	if len(digits) == 0 || len(digits) > 19 {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		ino = ino*10 + uint64(c-'0')
	}
	return ino, ino != 0
}

// parseSocketLink parses "socket:[12345]" as readlink on a socket fd returns it.
func parseSocketLink(s string) (ino uint64, ok bool) {
	if !strings.HasPrefix(s, "socket:[") || !strings.HasSuffix(s, "]") {
		return 0, false
	}
	ino, err := strconv.ParseUint(s[len("socket:["):len(s)-1], 10, 64)
	return ino, err == nil && ino != 0
}

// nsfsMount is one nsfs mount from a mountinfo file.
type nsfsMount struct {
	Type       NSType
	Ino        uint64
	MountPoint string
}

// parseMountinfoNSFS returns the nsfs mounts listed in a mountinfo file
// (proc(5)): the namespace from the root field, the mount point unescaped.
// Lines of other file systems are skipped cheaply.
func parseMountinfoNSFS(b []byte) []nsfsMount {
	var out []nsfsMount
	for len(b) > 0 {
		nl := bytes.IndexByte(b, '\n')
		var line []byte
		if nl < 0 {
			line, b = b, nil
		} else {
			line, b = b[:nl], b[nl+1:]
		}
		sep := bytes.Index(line, []byte(" - "))
		if sep < 0 || !bytes.HasPrefix(line[sep+3:], []byte("nsfs ")) {
			continue
		}
		f := strings.Fields(string(line[:sep]))
		// mount-id parent-id major:minor root mount-point options [optional...]
		if len(f) < 5 {
			continue
		}
		t, ino, ok := parseNSLink(unescapeMountField(f[3]))
		if !ok {
			continue
		}
		out = append(out, nsfsMount{Type: t, Ino: ino, MountPoint: unescapeMountField(f[4])})
	}
	return out
}

// unescapeMountField undoes the octal escapes (\040 for space, \011, \012,
// \134) the kernel writes in mountinfo path fields.
func unescapeMountField(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && isOctal(s, i+1) {
			v, _ := strconv.ParseUint(s[i+1:i+4], 8, 8)
			sb.WriteByte(byte(v))
			i += 3
			continue
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}

func isOctal(s string, i int) bool {
	if i+3 > len(s) {
		return false
	}
	for _, c := range s[i : i+3] {
		if c < '0' || c > '7' {
			return false
		}
	}
	return s[i] <= '3' // three octal digits above \377 do not fit a byte
}

// parsePIDName parses a /proc directory entry name as a pid; ok is false for
// anything that is not a positive decimal number.
func parsePIDName(name string) (int, bool) {
	if name == "" || len(name) > 10 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n > 0
}
