package nsops

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// openSocketNetNS opens the network namespace that socket fd of process pid
// was created in. A socket keeps its network namespace alive after the last
// process left it and no file names it, so this is the only way back in:
// pidfd_getfd(2) (Linux 5.6+) copies the socket into our fd table (it needs
// PTRACE_MODE_ATTACH_REALCREDS over pid: root has it), and ioctl SIOCGSKNS on
// the copy opens the namespace. The copy is closed at once, so the holder's
// socket is never used. The caller checks the inode: pid or fd may have been
// reused since discovery saw them.
func openSocketNetNS(pid, fd int) (int, error) {
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return -1, socketErr(fmt.Sprintf("pidfd_open(%d)", pid), pid, fd, err)
	}
	defer unix.Close(pidfd)
	sk, err := unix.PidfdGetfd(pidfd, fd, 0)
	if err != nil {
		return -1, socketErr(fmt.Sprintf("pidfd_getfd(pid %d, fd %d)", pid, fd), pid, fd, err)
	}
	nsfd, err := unix.IoctlRetInt(sk, unix.SIOCGSKNS)
	unix.Close(sk)
	if err != nil {
		return -1, socketErr(fmt.Sprintf("ioctl(SIOCGSKNS) on fd %d of pid %d", fd, pid), pid, fd, err)
	}
	return nsfd, nil
}

// socketErr names the syscall and what its refusal means for a socket holder.
func socketErr(op string, pid, fd int, err error) error {
	hint := ""
	switch {
	case errors.Is(err, unix.ESRCH):
		hint = fmt.Sprintf("pid %d, which held the socket, exited", pid)
	case errors.Is(err, unix.EBADF):
		hint = fmt.Sprintf("pid %d closed fd %d", pid, fd)
	case errors.Is(err, unix.ENOTTY), errors.Is(err, unix.ENOTSOCK):
		hint = fmt.Sprintf("fd %d of pid %d is no longer a socket", fd, pid)
	case errors.Is(err, unix.ENOSYS):
		hint = "copying another process's fd needs pidfd_getfd (Linux 5.6+)"
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.EACCES):
		if os.Geteuid() == 0 {
			hint = "even root may not: ptrace is restricted (yama ptrace_scope, an LSM)"
		} else {
			hint = fmt.Sprintf("copying a socket of pid %d needs ptrace access to it: run as root", pid)
		}
	}
	return &EnterError{Op: op, Err: err, Hint: hint}
}

// socketHolders returns the socket holders of ns (network namespaces only).
func socketHolders(ns *Namespace) []Holder {
	var out []Holder
	for _, h := range ns.Holders {
		if h.Kind == HeldBySocket && h.PID > 0 && h.FD >= 0 {
			out = append(out, h)
		}
	}
	return out
}
