package ptyshell

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"syscall"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// openPTY opens a master/slave pair. creack/pty's helpers call File.Fd(),
// which puts the master into blocking mode; a blocking Read then cannot be
// interrupted by Close (the fd stays referenced until the read returns, which
// never happens while a background process keeps the slave open). So the
// master is re-wrapped as a non-blocking, poller-backed *os.File.
func openPTY() (master, slave *os.File, err error) {
	m, s, err := pty.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("open pty: %w", err)
	}
	fd, err := unix.FcntlInt(m.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	name := m.Name()
	_ = m.Close()
	if err != nil {
		_ = s.Close()
		return nil, nil, fmt.Errorf("open pty: fcntl F_DUPFD_CLOEXEC: %w", err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		_ = unix.Close(fd)
		_ = s.Close()
		return nil, nil, fmt.Errorf("open pty: set O_NONBLOCK: %w", err)
	}
	return os.NewFile(uintptr(fd), name), s, nil
}

// setWinsize sets the terminal size on the master; the kernel sends SIGWINCH
// to the slave's foreground process group when it changes.
func setWinsize(f *os.File, rows, cols int) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return fmt.Errorf("set pty size: %w", err)
	}
	ws := &unix.Winsize{Row: uint16(rows), Col: uint16(cols)}
	var ierr error
	if err := rc.Control(func(fd uintptr) {
		ierr = unix.IoctlSetWinsize(int(fd), unix.TIOCSWINSZ, ws)
	}); err != nil {
		return fmt.Errorf("set pty size: %w", err)
	}
	if ierr != nil {
		return fmt.Errorf("set pty size: ioctl TIOCSWINSZ: %w", ierr)
	}
	return nil
}

// sessionMembers returns the pids of the processes whose session id is sid,
// from /proc/<pid>/stat (field 6, after the parenthesised comm, which may
// itself contain spaces and parentheses).
func sessionMembers(sid int) []int {
	d, err := os.Open("/proc")
	if err != nil {
		return nil
	}
	defer d.Close()
	names, _ := d.Readdirnames(-1)
	var pids []int
	for _, n := range names {
		pid, err := strconv.Atoi(n)
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + n + "/stat")
		if err != nil {
			continue // exited meanwhile
		}
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := bytes.Fields(b[i+1:])
		// f[0]=state f[1]=ppid f[2]=pgrp f[3]=session
		if len(f) < 4 {
			continue
		}
		if s, err := strconv.Atoi(string(f[3])); err == nil && s == sid {
			pids = append(pids, pid)
		}
	}
	return pids
}

// killSession sends sig to the process group pgid and to every process of
// session sid, so background jobs in other groups of the session go too.
func killSession(sid int, sig syscall.Signal) {
	_ = unix.Kill(-sid, sig)
	for _, pid := range sessionMembers(sid) {
		_ = unix.Kill(pid, sig)
	}
}

// pidExists reports whether a process with this pid exists.
func pidExists(pid int) bool {
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	return err == nil
}
