package nsops

import (
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
	path  []byte // path under construction
	cpath []byte // NUL-terminated copy for raw syscalls
	scrap unix.Stat_t
}

// The hot /proc syscalls (readlink, open, read of small files, getdents,
// close) go through RawSyscall: they do not sleep for long, and a scan makes
// tens of thousands of them, where the Go scheduler's hand-off of the P on
// every slow syscall doubled the cost (futex wake-ups and spinning threads).
// Reads that can wait on another process's locks (cmdline, mountinfo,
// cgroup) keep the ordinary path.

var atFDCWD = unix.AT_FDCWD // a variable: converting the negative constant to uintptr is not allowed

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
	fd, err := r.rawOpen(path, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return nil, err
	}
	defer rawClose(fd)
	r.names = r.names[:0]
	for {
		rn, _, e := unix.RawSyscall(unix.SYS_GETDENTS64, uintptr(fd), uintptr(unsafe.Pointer(&r.dents[0])), uintptr(len(r.dents)))
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return nil, &os.PathError{Op: "getdents64", Path: path, Err: e}
		}
		n := int(rn)
		if n <= 0 {
			break
		}
		_, _, r.names = unix.ParseDirent(r.dents[:n], -1, r.names)
	}
	return r.names, nil
}

// pathOf builds "<root>/<pid>/<rest>" without fmt.
func (r *procReader) pathOf(root string, pid int, rest string) string {
	r.path = append(r.path[:0], root...)
	r.path = append(r.path, '/')
	r.path = strconv.AppendInt(r.path, int64(pid), 10)
	if rest != "" {
		r.path = append(r.path, '/')
		r.path = append(r.path, rest...)
	}
	return string(r.path)
}

// pathOf2 builds "<root>/<pid>/<mid>/<n>/<rest>".
func (r *procReader) pathOf2(root string, pid int, mid string, n int, rest string) string {
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
	return string(r.path)
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
