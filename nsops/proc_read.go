package nsops

import (
	"errors"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// procReader reads /proc files with raw syscalls into reused buffers: a scan
// reads tens of thousands of small files, and os.ReadFile's fstat and
// per-call allocations would double its cost. One reader per goroutine.
type procReader struct {
	buf    []byte // file contents
	link   []byte // readlink target
	dents  []byte // getdents buffer
	names  []string
	path   []byte // path under construction
	scrap  unix.Stat_t
	isKern bool
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
	for {
		n, err := unix.Readlink(path, r.link)
		if err != nil {
			return "", &os.PathError{Op: "readlink", Path: path, Err: err}
		}
		if n < len(r.link) {
			return string(r.link[:n]), nil
		}
		r.link = make([]byte, 2*len(r.link))
	}
}

// readDirNames lists a directory's entry names (without "." and "..").
// The returned slice is valid until the next call.
func (r *procReader) readDirNames(path string) ([]string, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	r.names = r.names[:0]
	for {
		n, err := unix.Getdents(fd, r.dents)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "getdents64", Path: path, Err: err}
		}
		if n <= 0 {
			break
		}
		_, _, r.names = unix.ParseDirent(r.dents[:n], -1, r.names)
		if n < len(r.dents)-1024 {
			// procfs and tmpfs fill the buffer until the directory ends, so
			// room left over means the end: skip the getdents that says 0.
			break
		}
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
