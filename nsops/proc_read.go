package nsops

import (
	"encoding/binary"
	"errors"
	"os"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// procReader reads /proc files with raw syscalls into reused buffers: a scan
// reads tens of thousands of small files, and os.ReadFile's fstat and
// per-call allocations would double its cost. One reader per goroutine.
type procReader struct {
	buf   []byte // file contents
	link  []byte // readlink target
	dents []byte // getdents buffer
	names []string
	fds   []int   // descriptor numbers of the process being read
	nl    *nlConn // this worker's netlink socket during the hierarchy queries
	path  []byte  // path under construction
	cpath []byte  // NUL-terminated copy for raw syscalls
	name  []byte  // NUL-terminated name relative to a directory descriptor
	scrap unix.Stat_t
}

// The hot /proc syscalls (readlink, open, read of small files, getdents,
// close) go through RawSyscall: they do not sleep for long, and a scan makes
// tens of thousands of them, where the Go scheduler's hand-off of the P on
// every slow syscall doubled the cost (futex wake-ups and spinning threads).
// Reads that can wait on another process's locks (cmdline, mountinfo,
// cgroup) keep the ordinary path.

// atFDCWD is AT_FDCWD (-100) as the raw syscalls take it: a negative
// constant cannot be converted to uintptr, its two's complement can.
const atFDCWD = ^uintptr(-unix.AT_FDCWD - 1)

func (r *procReader) cstr(path string) unsafe.Pointer {
	r.cpath = append(append(r.cpath[:0], path...), 0)
	return unsafe.Pointer(&r.cpath[0])
}

func (r *procReader) rawOpen(path string, flags int) (int, error) {
	fd, _, e := unix.RawSyscall6(unix.SYS_OPENAT, uintptr(atFDCWD), uintptr(r.cstr(path)), uintptr(flags|unix.O_CLOEXEC), 0, 0, 0)
	if e != 0 {
		return -1, &os.PathError{Op: "open", Path: path, Err: e}
	}
	return int(fd), nil
}

func rawClose(fd int) { unix.RawSyscall(unix.SYS_CLOSE, uintptr(fd), 0, 0) }

// rawOpenBytes opens the path in p (not NUL-terminated) read-only.
func (r *procReader) rawOpenBytes(p []byte, flags int) (int, unix.Errno) {
	r.cpath = append(append(r.cpath[:0], p...), 0)
	fd, _, e := unix.RawSyscall6(unix.SYS_OPENAT, uintptr(atFDCWD), uintptr(unsafe.Pointer(&r.cpath[0])), uintptr(flags|unix.O_CLOEXEC), 0, 0, 0)
	if e != 0 {
		return -1, e
	}
	return int(fd), 0
}

// rawIoctl is ioctl(2) for requests the kernel answers at once (the nsfs
// ones, SIOCGSKNS): no hand-off of the scheduler's P around it.
func rawIoctl(fd int, req uint, arg uintptr) (int, unix.Errno) {
	r, _, e := unix.RawSyscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), arg)
	if e != 0 {
		return -1, e
	}
	return int(r), 0
}

// rawFstat is fstat(2) without the scheduler hand-off.
func rawFstat(fd int, st *unix.Stat_t) unix.Errno {
	_, _, e := unix.RawSyscall(unix.SYS_FSTAT, uintptr(fd), uintptr(unsafe.Pointer(st)), 0)
	return e
}

// readSmall reads a small procfs file that the kernel generates without
// waiting on the process (stat, status, schedstat) with raw syscalls.
func (r *procReader) readSmall(path string) ([]byte, error) {
	fd, err := r.rawOpen(path, unix.O_RDONLY|unix.O_NOCTTY)
	if err != nil {
		return nil, err
	}
	defer rawClose(fd)
	n, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&r.buf[0])), uintptr(len(r.buf)))
	if e != 0 {
		return nil, &os.PathError{Op: "read", Path: path, Err: e}
	}
	if int(n) == len(r.buf) { // did not fit: fall back to the looping reader
		return r.readFile(path)
	}
	return r.buf[:n], nil
}

func newProcReader() *procReader {
	return &procReader{
		buf:   make([]byte, 16<<10),
		link:  make([]byte, 512),
		dents: make([]byte, 32<<10),
	}
}

// dirents reads a whole directory's getdents64 records into r.dents
// (grown as needed) and returns them; walk them with nextDirent. The
// returned slice is valid until the next call.
func (r *procReader) dirents(path string) ([]byte, error) {
	fd, err := r.rawOpen(path, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return nil, err
	}
	defer rawClose(fd)
	return r.direntsFD(fd, path)
}

// direntsFD is dirents on an open directory descriptor.
func (r *procReader) direntsFD(fd int, path string) ([]byte, error) {
	n := 0
	for {
		if len(r.dents)-n < 4<<10 {
			nb := make([]byte, 2*len(r.dents))
			copy(nb, r.dents[:n])
			r.dents = nb
		}
		rn, _, e := unix.RawSyscall(unix.SYS_GETDENTS64, uintptr(fd), uintptr(unsafe.Pointer(&r.dents[n])), uintptr(len(r.dents)-n))
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return nil, &os.PathError{Op: "getdents64", Path: path, Err: e}
		}
		if int(rn) <= 0 {
			break
		}
		// Even procfs, which fills a read as far as the entries go, ends one
		// early when a signal is pending (Go preempts with signals): only an
		// empty read ends the listing.
		n += int(rn)
	}
	return r.dents[:n], nil
}

// nextDirent splits the first getdents64 record off b: its name (without
// the NUL; it aliases b) and the rest. ok is false when b holds no
// further complete record. "." and ".." are returned like any name; a
// record of a deleted entry (inode 0) has an empty name.
func nextDirent(b []byte) (name, rest []byte, ok bool) {
	const nameOff = 19 // d_ino(8) d_off(8) d_reclen(2) d_type(1)
	if len(b) < nameOff+1 {
		return nil, nil, false
	}
	reclen := int(binary.NativeEndian.Uint16(b[16:]))
	if reclen <= nameOff || reclen > len(b) {
		return nil, nil, false
	}
	if binary.NativeEndian.Uint64(b) == 0 {
		return nil, b[reclen:], true
	}
	name = b[nameOff:reclen]
	for i, c := range name {
		if c == 0 {
			name = name[:i]
			break
		}
	}
	return name, b[reclen:], true
}

// parsePIDBytes is parsePIDName on a name that is still bytes.
func parsePIDBytes(name []byte) (int, bool) {
	if len(name) == 0 || len(name) > 10 {
		return 0, false
	}
	n := 0
	for _, c := range name {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// cname makes name a NUL-terminated string for a raw *at syscall.
func (r *procReader) cname(name []byte) unsafe.Pointer {
	r.name = append(append(r.name[:0], name...), 0)
	return unsafe.Pointer(&r.name[0])
}

// readlinkAt reads the link name under dirfd into r.link and returns the
// text (valid until the next call) or the errno.
func (r *procReader) readlinkAt(dirfd int, name []byte) ([]byte, unix.Errno) {
	p := r.cname(name)
	for {
		n, _, e := unix.RawSyscall6(unix.SYS_READLINKAT, uintptr(dirfd), uintptr(p), uintptr(unsafe.Pointer(&r.link[0])), uintptr(len(r.link)), 0, 0)
		if e != 0 {
			return nil, e
		}
		if int(n) < len(r.link) {
			return r.link[:n], 0
		}
		r.link = make([]byte, 2*len(r.link))
	}
}

// statAt is fstatat(dirfd, name) into r.scrap, following a final link.
func (r *procReader) statAt(dirfd int, name []byte, flags int) unix.Errno {
	_, _, e := unix.RawSyscall6(unix.SYS_NEWFSTATAT, uintptr(dirfd), uintptr(r.cname(name)), uintptr(unsafe.Pointer(&r.scrap)), uintptr(flags), 0, 0)
	return e
}

// readFile reads a whole (small) file. The returned slice is valid until the
// next call. procfs fills a read as far as the content goes, so a short read
// ends the file without another read syscall.
func (r *procReader) readFile(path string) ([]byte, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	n := 0
	for {
		if n == len(r.buf) {
			nb := make([]byte, 2*len(r.buf))
			copy(nb, r.buf)
			r.buf = nb
		}
		m, err := unix.Read(fd, r.buf[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		}
		if m == 0 {
			break
		}
		n += m
		if n < len(r.buf) {
			break
		}
	}
	return r.buf[:n], nil
}

// readlink returns the target of a symbolic link (or magic /proc link).
func (r *procReader) readlink(path string) (string, error) {
	p := r.cstr(path)
	for {
		n, _, e := unix.RawSyscall6(unix.SYS_READLINKAT, uintptr(atFDCWD), uintptr(p), uintptr(unsafe.Pointer(&r.link[0])), uintptr(len(r.link)), 0, 0)
		if e != 0 {
			return "", &os.PathError{Op: "readlink", Path: path, Err: e}
		}
		if int(n) < len(r.link) {
			return string(r.link[:n]), nil
		}
		r.link = make([]byte, 2*len(r.link))
	}
}

// readDirNames lists a directory's entry names (without "." and "..").
// The returned slice is valid until the next call.
func (r *procReader) readDirNames(path string) ([]string, error) {
	b, err := r.dirents(path)
	if err != nil {
		return nil, err
	}
	r.names = r.names[:0]
	for {
		name, rest, ok := nextDirent(b)
		if !ok {
			break
		}
		b = rest
		if len(name) > 0 && string(name) != "." && string(name) != ".." {
			r.names = append(r.names, string(name))
		}
	}
	return r.names, nil
}

// readDirPIDs lists the numeric entries of a directory (pids, tids, fds)
// into out, without making a string of each name.
func (r *procReader) readDirPIDs(path string, out []int) ([]int, error) {
	b, err := r.dirents(path)
	if err != nil {
		return out, err
	}
	for {
		name, rest, ok := nextDirent(b)
		if !ok {
			return out, nil
		}
		b = rest
		if n, ok := parsePIDBytes(name); ok {
			out = append(out, n)
		}
	}
}

// pathOf builds "<root>/<pid>/<rest>" without fmt.
func (r *procReader) pathOf(root string, pid int, rest string) string {
	return string(r.pathBytes(root, pid, rest))
}

// pathBytes is pathOf without the string: the bytes are valid until the
// next path is built.
func (r *procReader) pathBytes(root string, pid int, rest string) []byte {
	r.path = append(r.path[:0], root...)
	r.path = append(r.path, '/')
	r.path = strconv.AppendInt(r.path, int64(pid), 10)
	if rest != "" {
		r.path = append(r.path, '/')
		r.path = append(r.path, rest...)
	}
	return r.path
}

// threadCount returns how many threads process pid has, from the link
// count procfs gives its task directory (2 + threads), with one stat and
// no file to read.
func (r *procReader) threadCount(root string, pid int) (int, unix.Errno) {
	r.cpath = append(append(r.cpath[:0], r.pathBytes(root, pid, "task")...), 0)
	_, _, e := unix.RawSyscall6(unix.SYS_NEWFSTATAT, uintptr(atFDCWD), uintptr(unsafe.Pointer(&r.cpath[0])), uintptr(unsafe.Pointer(&r.scrap)), unix.AT_SYMLINK_NOFOLLOW, 0, 0)
	if e != 0 {
		return 0, e
	}
	return max(int(r.scrap.Nlink)-2, 1), 0
}

// pathOf2 builds "<root>/<pid>/<mid>/<n>/<rest>".
func (r *procReader) pathOf2(root string, pid int, mid string, n int, rest string) string {
	return string(r.pathBytes2(root, pid, mid, n, rest))
}

// pathBytes2 is pathOf2 without the string (valid until the next path).
func (r *procReader) pathBytes2(root string, pid int, mid string, n int, rest string) []byte {
	r.path = append(r.path[:0], root...)
	r.path = append(r.path, '/')
	r.path = strconv.AppendInt(r.path, int64(pid), 10)
	r.path = append(r.path, '/')
	r.path = append(r.path, mid...)
	r.path = append(r.path, '/')
	r.path = strconv.AppendInt(r.path, int64(n), 10)
	if rest != "" {
		r.path = append(r.path, '/')
		r.path = append(r.path, rest...)
	}
	return r.path
}

// Classification of /proc read errors: a process that exits mid-scan makes
// its files vanish (ENOENT) or answer ESRCH; that is normal and silent. EACCES
// and EPERM mean we are not allowed to look: the view is limited.
func isGone(err error) bool {
	return errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ESRCH)
}

func isDenied(err error) bool {
	return errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM)
}
