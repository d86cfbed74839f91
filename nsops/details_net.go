package nsops

import (
	"fmt"
	"net"
	"sort"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// NetDetails are the interfaces and main-table routes of a network
// namespace, read over netlink from inside it.
type NetDetails struct {
	Interfaces []Iface `json:"interfaces"`
	Routes     []Route `json:"routes"`
}

// Iface is one network interface.
type Iface struct {
	Name  string   `json:"name"`
	Index int      `json:"index"`
	Kind  string   `json:"kind"`  // link type: "device", "veth", "dummy", "bridge", ...
	State string   `json:"state"` // operational state as ip prints it, lowercase: up, down, unknown, ...
	Up    bool     `json:"up"`    // administratively up (IFF_UP)
	MTU   int      `json:"mtu"`
	MAC   string   `json:"mac"`   // "" when the link has none
	Addrs []string `json:"addrs"` // CIDR, IPv4 first then IPv6, as the kernel lists them
	// Link is the index of the interface this one is stacked on or paired
	// with (a veth's peer, a vlan's parent; IFLA_LINK), 0 for none; as
	// `ip link` prints it, "veth0@if7". LinkNetnsID is the id, in this
	// namespace, of the network namespace that interface lives in when it
	// is another one (IFLA_LINK_NETNSID; `ip link`'s link-netnsid), else -1.
	Link        int `json:"link"`
	LinkNetnsID int `json:"link_netnsid"`
}

// Route is one route of the main table (what `ip route` and `ip -6 route` show).
type Route struct {
	Family string `json:"family"` // "inet" or "inet6"
	Dst    string `json:"dst"`    // CIDR, or "default"
	Gw     string `json:"gw"`     // "" when directly connected
	Dev    string `json:"dev"`    // output interface name
	Src    string `json:"src"`    // preferred source, "" when unset
	Table  int    `json:"table"`
}

// readNetDetails opens a netlink socket inside the namespace and lists
// links, addresses and routes through it. A socket stays in the network
// namespace it was created in, so only its creation needs the joined
// thread (and none at all for our own namespace, which works unprivileged).
func readNetDetails(src *detailsSource) (*NetDetails, error) {
	var h *netlink.Handle
	err := inNamespace(src.nsfd, NetNS, func() error {
		var err error
		if h, err = netlink.NewHandle(unix.NETLINK_ROUTE); err != nil {
			return fmt.Errorf("netlink socket: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	defer h.Close()

	links, err := h.LinkList()
	if err != nil {
		return nil, fmt.Errorf("netlink list links: %w", err)
	}
	d := &NetDetails{}
	names := make(map[int]string, len(links))
	byIndex := make(map[int]int, len(links))
	for _, l := range links {
		a := l.Attrs()
		ifc := Iface{
			Name:  a.Name,
			Index: a.Index,
			Kind:  l.Type(),
			State: operStateName(a.OperState),
			Up:    a.Flags&net.FlagUp != 0,
			MTU:   a.MTU,
			// netlink reports NetNsID -1 when the attribute is absent.
			LinkNetnsID: a.NetNsID,
		}
		if a.ParentIndex != a.Index {
			ifc.Link = a.ParentIndex
		}
		if len(a.HardwareAddr) > 0 {
			ifc.MAC = a.HardwareAddr.String()
		}
		names[a.Index] = a.Name
		byIndex[a.Index] = len(d.Interfaces)
		d.Interfaces = append(d.Interfaces, ifc)
	}
	addrs, err := h.AddrList(nil, netlink.FAMILY_ALL)
	if err != nil {
		return nil, fmt.Errorf("netlink list addresses: %w", err)
	}
	for _, a := range addrs {
		if a.IPNet == nil {
			continue
		}
		if i, ok := byIndex[a.LinkIndex]; ok {
			d.Interfaces[i].Addrs = append(d.Interfaces[i].Addrs, a.IPNet.String())
		}
	}
	// IPv4 before IPv6 within each interface, as ip addr prints them.
	for i := range d.Interfaces {
		sort.SliceStable(d.Interfaces[i].Addrs, func(x, y int) bool {
			return !strings.Contains(d.Interfaces[i].Addrs[x], ":") && strings.Contains(d.Interfaces[i].Addrs[y], ":")
		})
	}
	routes, err := h.RouteList(nil, netlink.FAMILY_ALL)
	if err != nil {
		return nil, fmt.Errorf("netlink list routes: %w", err)
	}
	for _, r := range routes {
		rt := Route{Family: "inet", Dst: "default", Dev: names[r.LinkIndex], Table: r.Table}
		if r.Family == unix.AF_INET6 {
			rt.Family = "inet6"
		}
		if r.Dst != nil {
			if ones, _ := r.Dst.Mask.Size(); ones > 0 || !r.Dst.IP.IsUnspecified() {
				rt.Dst = r.Dst.String()
			}
		}
		if r.Gw != nil {
			rt.Gw = r.Gw.String()
		} else if len(r.MultiPath) > 0 && r.MultiPath[0].Gw != nil {
			rt.Gw = r.MultiPath[0].Gw.String()
			if rt.Dev == "" {
				rt.Dev = names[r.MultiPath[0].LinkIndex]
			}
		}
		if r.Src != nil {
			rt.Src = r.Src.String()
		}
		d.Routes = append(d.Routes, rt)
	}
	return d, nil
}

// operStateName names an RFC 2863 operational state the way ip(8) does,
// in lowercase ("lowerlayerdown", not netlink's "lower-layer-down").
func operStateName(s netlink.LinkOperState) string {
	switch s {
	case netlink.OperNotPresent:
		return "notpresent"
	case netlink.OperDown:
		return "down"
	case netlink.OperLowerLayerDown:
		return "lowerlayerdown"
	case netlink.OperTesting:
		return "testing"
	case netlink.OperDormant:
		return "dormant"
	case netlink.OperUp:
		return "up"
	}
	return "unknown"
}
