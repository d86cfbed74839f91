package nsops

import (
	"encoding/binary"
	"fmt"
	"slices"
	"unsafe"

	"golang.org/x/sys/unix"
)

// nlConn is a NETLINK_ROUTE socket for the two RTM_GETNSID questions lsns's
// NETNSID column needs: "which id does our netns give the netns behind this
// fd" and "which ids are assigned at all" (to know when cached answers are
// still good). The socket lives for one scan.
type nlConn struct {
	fd  int
	seq uint32
	buf []byte
	req [unix.NLMSG_HDRLEN + 12]byte // the request being sent
}

func openNetlink() (*nlConn, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("netlink socket: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("netlink bind: %w", err)
	}
	return &nlConn{fd: fd, buf: make([]byte, 32<<10)}, nil
}

func (c *nlConn) close() { unix.Close(c.fd) }

// request builds nlmsghdr + rtgenmsg{AF_UNSPEC} (+ NETNSA_FD attribute).
func (c *nlConn) request(flags uint16, nsfd int) []byte {
	c.seq++
	n := unix.NLMSG_HDRLEN + 4
	if nsfd >= 0 {
		n += 8
	}
	b := c.req[:n]
	clear(b)
	ne := binary.NativeEndian
	ne.PutUint32(b[0:], uint32(n))
	ne.PutUint16(b[4:], unix.RTM_GETNSID)
	ne.PutUint16(b[6:], flags)
	ne.PutUint32(b[8:], c.seq)
	b[16] = unix.AF_UNSPEC
	if nsfd >= 0 {
		ne.PutUint16(b[20:], 8)
		ne.PutUint16(b[22:], unix.NETNSA_FD)
		ne.PutUint32(b[24:], uint32(int32(nsfd)))
	}
	return b
}

// getNSID returns lsns's NETNSID for the network namespace behind nsfd:
// a number, "unassigned", or "" when the kernel would not say.
func (c *nlConn) getNSID(nsfd int) string {
	// Raw syscalls: rtnetlink answers while sendto runs, so the reply is
	// queued before recvfrom is called, and a first scan asks hundreds.
	req := c.request(unix.NLM_F_REQUEST, nsfd)
	if _, _, e := unix.RawSyscall6(unix.SYS_SENDTO, uintptr(c.fd), uintptr(unsafe.Pointer(&req[0])), uintptr(len(req)), 0, 0, 0); e != 0 {
		return ""
	}
	n := 0
	rn, _, e := unix.RawSyscall6(unix.SYS_RECVFROM, uintptr(c.fd), uintptr(unsafe.Pointer(&c.buf[0])), uintptr(len(c.buf)), unix.MSG_DONTWAIT, 0, 0)
	switch {
	case e == 0:
		n = int(rn)
	case e == unix.EAGAIN: // not queued yet after all: wait for it
		var err error
		if n, _, err = unix.Recvfrom(c.fd, c.buf, 0); err != nil {
			return ""
		}
	default:
		return ""
	}
	ids, _ := parseNSIDMessages(c.buf[:n], c.seq)
	if len(ids) != 1 {
		return ""
	}
	return netnsidString(ids[0])
}

// dumpNSIDs lists the netnsids assigned in our network namespace, sorted.
func (c *nlConn) dumpNSIDs() ([]int32, error) {
	if err := unix.Send(c.fd, c.request(unix.NLM_F_REQUEST|unix.NLM_F_DUMP, -1), 0); err != nil {
		return nil, fmt.Errorf("send RTM_GETNSID: %w", err)
	}
	var all []int32
	for {
		n, _, err := unix.Recvfrom(c.fd, c.buf, 0)
		if err != nil {
			return nil, fmt.Errorf("recvfrom RTM_GETNSID: %w", err)
		}
		ids, done := parseNSIDMessages(c.buf[:n], c.seq)
		all = append(all, ids...)
		if done || n == 0 {
			break
		}
	}
	slices.Sort(all)
	return all, nil
}

// parseNSIDMessages reads RTM_NEWNSID messages for sequence seq and returns
// their NETNSA_NSID values; done is true at NLMSG_DONE or an error message.
func parseNSIDMessages(b []byte, seq uint32) (ids []int32, done bool) {
	ne := binary.NativeEndian
	for len(b) >= unix.NLMSG_HDRLEN {
		l := int(ne.Uint32(b[0:]))
		typ := ne.Uint16(b[4:])
		if l < unix.NLMSG_HDRLEN || l > len(b) {
			return ids, true
		}
		msg := b[unix.NLMSG_HDRLEN:l]
		if ne.Uint32(b[8:]) == seq {
			switch typ {
			case unix.NLMSG_DONE, unix.NLMSG_ERROR:
				done = true
			case unix.RTM_NEWNSID:
				if len(msg) >= 4 {
					attrs := msg[4:]
					for len(attrs) >= 4 {
						al := int(ne.Uint16(attrs[0:]))
						at := ne.Uint16(attrs[2:])
						if al < 4 || al > len(attrs) {
							break
						}
						if at == unix.NETNSA_NSID && al >= 8 {
							ids = append(ids, int32(ne.Uint32(attrs[4:])))
						}
						adv := (al + 3) &^ 3
						if adv > len(attrs) {
							break
						}
						attrs = attrs[adv:]
					}
				}
			}
		}
		adv := (l + 3) &^ 3
		if adv > len(b) {
			break
		}
		b = b[adv:]
	}
	return ids, done
}
