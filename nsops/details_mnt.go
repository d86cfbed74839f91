package nsops

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Reading the mount table of a mount namespace that has no member process
// (held by a bind mount such as `unshare --mount=FILE`, or by an fd):
// /proc/<pid>/mountinfo needs a process, and a Go program cannot setns
// into a mount namespace, but Linux 6.11+ lists any namespace's mounts with
// listmount(2) and describes each with statmount(2), given the namespace's
// 64-bit id (ioctl NS_GET_MNTNS_ID). Layouts are from <linux/mount.h>.

const (
	lsmtRoot = ^uint64(0) // LSMT_ROOT: list from the namespace's root mount

	statmountSBBasic       = 0x1   // STATMOUNT_SB_BASIC
	statmountMntBasic      = 0x2   // STATMOUNT_MNT_BASIC
	statmountPropagateFrom = 0x4   // STATMOUNT_PROPAGATE_FROM
	statmountMntRoot       = 0x8   // STATMOUNT_MNT_ROOT
	statmountMntPoint      = 0x10  // STATMOUNT_MNT_POINT
	statmountFSType        = 0x20  // STATMOUNT_FS_TYPE
	statmountMntOpts       = 0x80  // STATMOUNT_MNT_OPTS
	statmountSBSource      = 0x200 // STATMOUNT_SB_SOURCE

	// Offsets in struct statmount; its strings start at str[], byte 512.
	smMask          = 8
	smDevMajor      = 16
	smDevMinor      = 20
	smFSType        = 36
	smMntIDOld      = 56
	smMntParentOld  = 60
	smSBFlags       = 32
	smMntAttr       = 64
	smPropagation   = 72
	smPeerGroup     = 80
	smMaster        = 88
	smPropagateFrom = 96
	smMntRoot       = 104
	smMntPoint      = 108
	smMntOpts       = 4
	smSBSource      = 124
	smStr           = 512

	mountAttrRdonly      = 0x1
	mountAttrNosuid      = 0x2
	mountAttrNodev       = 0x4
	mountAttrNoexec      = 0x8
	mountAttrAtimeMask   = 0x70
	mountAttrNoatime     = 0x10
	mountAttrStrictatime = 0x20
	mountAttrNodiratime  = 0x80
	mountAttrNosymfollow = 0x200000
)

// mntIDReq is struct mnt_id_req, version 1 (MNT_ID_REQ_SIZE_VER1).
type mntIDReq struct {
	size    uint32
	spare   uint32
	mntID   uint64
	param   uint64
	mntNSID uint64
}

// readMountsByListmount reads the mount table of the mount namespace open
// as nsfd with listmount(2) and statmount(2).
func readMountsByListmount(nsfd int) ([]Mount, error) {
	var nsID uint64
	if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(nsfd), unix.NS_GET_MNTNS_ID, uintptr(unsafe.Pointer(&nsID))); errno != 0 {
		return nil, fmt.Errorf("ioctl NS_GET_MNTNS_ID: %w", errno)
	}
	var ids []uint64
	last := uint64(0)
	chunk := make([]uint64, 256)
	for {
		req := mntIDReq{size: uint32(unsafe.Sizeof(mntIDReq{})), mntID: lsmtRoot, param: last, mntNSID: nsID}
		n, _, errno := unix.Syscall6(unix.SYS_LISTMOUNT, uintptr(unsafe.Pointer(&req)),
			uintptr(unsafe.Pointer(&chunk[0])), uintptr(len(chunk)), 0, 0, 0)
		if errno != 0 {
			return nil, fmt.Errorf("listmount: %w", errno)
		}
		ids = append(ids, chunk[:n]...)
		if int(n) < len(chunk) {
			break
		}
		last = chunk[n-1]
	}
	mask := uint64(statmountSBBasic | statmountMntBasic | statmountPropagateFrom | statmountMntRoot |
		statmountMntPoint | statmountFSType | statmountMntOpts | statmountSBSource)
	buf := make([]byte, 4096)
	out := make([]Mount, 0, len(ids))
	for _, id := range ids {
		for {
			req := mntIDReq{size: uint32(unsafe.Sizeof(mntIDReq{})), mntID: id, param: mask, mntNSID: nsID}
			_, _, errno := unix.Syscall6(unix.SYS_STATMOUNT, uintptr(unsafe.Pointer(&req)),
				uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0, 0)
			if errno == unix.EOVERFLOW && len(buf) < 1<<20 {
				buf = make([]byte, 2*len(buf))
				continue
			}
			if errors.Is(errno, unix.ENOENT) {
				break // unmounted since listmount
			}
			if errno != 0 {
				return nil, fmt.Errorf("statmount: %w", errno)
			}
			m, err := parseStatmount(buf)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
			break
		}
	}
	return out, nil
}

// parseStatmount decodes a struct statmount into a Mount shaped like a
// mountinfo line.
func parseStatmount(b []byte) (Mount, error) {
	le := binary.NativeEndian
	if len(b) < smStr {
		return Mount{}, errors.New("statmount: short buffer")
	}
	size := int(le.Uint32(b[0:]))
	if size < smStr || size > len(b) {
		return Mount{}, fmt.Errorf("statmount: size %d out of range", size)
	}
	mask := le.Uint64(b[smMask:])
	str := func(off int, bit uint64) string {
		if mask&bit == 0 {
			return ""
		}
		i := smStr + int(le.Uint32(b[off:]))
		if i >= size {
			return ""
		}
		end := i
		for end < size && b[end] != 0 {
			end++
		}
		return string(b[i:end])
	}
	m := Mount{
		ID:           int(le.Uint32(b[smMntIDOld:])),
		Parent:       int(le.Uint32(b[smMntParentOld:])),
		MajorMinor:   strconv.Itoa(int(le.Uint32(b[smDevMajor:]))) + ":" + strconv.Itoa(int(le.Uint32(b[smDevMinor:]))),
		Root:         str(smMntRoot, statmountMntRoot),
		Target:       str(smMntPoint, statmountMntPoint),
		FSType:       str(smFSType, statmountFSType),
		Source:       str(smSBSource, statmountSBSource),
		SuperOptions: str(smMntOpts, statmountMntOpts),
	}
	if m.Source == "" {
		m.Source = "none"
	}
	// mountinfo's super options start with the superblock's ro/rw, which
	// statmount reports as a flag (SB_RDONLY) instead.
	sbOpts := "rw"
	if le.Uint32(b[smSBFlags:])&unix.MS_RDONLY != 0 {
		sbOpts = "ro"
	}
	if m.SuperOptions != "" {
		sbOpts += "," + m.SuperOptions
	}
	m.SuperOptions = sbOpts
	// Per-mount options as mountinfo's sixth field prints them.
	attr := le.Uint64(b[smMntAttr:])
	opts := []string{"rw"}
	if attr&mountAttrRdonly != 0 {
		opts[0] = "ro"
	}
	for _, f := range []struct {
		bit  uint64
		name string
	}{{mountAttrNosuid, "nosuid"}, {mountAttrNodev, "nodev"}, {mountAttrNoexec, "noexec"}} {
		if attr&f.bit != 0 {
			opts = append(opts, f.name)
		}
	}
	switch attr & mountAttrAtimeMask {
	case mountAttrNoatime:
		opts = append(opts, "noatime")
	case mountAttrStrictatime:
	default:
		opts = append(opts, "relatime")
	}
	if attr&mountAttrNodiratime != 0 {
		opts = append(opts, "nodiratime")
	}
	if attr&mountAttrNosymfollow != 0 {
		opts = append(opts, "nosymfollow")
	}
	m.Options = strings.Join(opts, ",")
	// Propagation as mountinfo's optional fields print it.
	prop := le.Uint64(b[smPropagation:])
	var tags []string
	if prop&unix.MS_SHARED != 0 {
		tags = append(tags, "shared:"+strconv.FormatUint(le.Uint64(b[smPeerGroup:]), 10))
	}
	if prop&unix.MS_SLAVE != 0 {
		tags = append(tags, "master:"+strconv.FormatUint(le.Uint64(b[smMaster:]), 10))
		if pf := le.Uint64(b[smPropagateFrom:]); pf != 0 && mask&statmountPropagateFrom != 0 {
			tags = append(tags, "propagate_from:"+strconv.FormatUint(pf, 10))
		}
	}
	if prop&unix.MS_UNBINDABLE != 0 {
		tags = append(tags, "unbindable")
	}
	m.Propagation = "private"
	if len(tags) > 0 {
		m.Propagation = strings.Join(tags, " ")
	}
	return m, nil
}
