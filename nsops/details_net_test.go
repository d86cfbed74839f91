package nsops

import (
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nstui/nstui/internal/testutil"
)

// TestDetailsNetLinkPeers: a veth's peer shows as ip link prints it (the
// peer's ifindex, and the link-netnsid when the peer is in another
// namespace), compared with ip's own -d output.
func TestDetailsNetLinkPeers(t *testing.T) {
	testutil.RequireRoot(t)
	a, b := "nstui-dp-"+detailsRand(t), "nstui-dq-"+detailsRand(t)
	for _, n := range []string{a, b} {
		detailsRun(t, "ip", "netns", "add", n)
		t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", n).Run() })
	}
	detailsRun(t, "ip", "-n", a, "link", "add", "vethnstuiabcd01", "type", "veth", "peer", "name", "vethnstuiabcd02")
	detailsRun(t, "ip", "-n", a, "link", "add", "pairnstui0", "type", "veth", "peer", "name", "pairnstui1", "netns", b)
	path := "/run/netns/" + a
	d := detailsRead(t, &Namespace{ID: detailsNSIDOf(t, path), Type: NetNS, Path: path, NSFS: []string{path}})
	get := func(name string) Iface {
		i := slices.IndexFunc(d.Net.Interfaces, func(f Iface) bool { return f.Name == name })
		if i < 0 {
			t.Fatalf("interface %s missing from %+v", name, d.Net.Interfaces)
		}
		return d.Net.Interfaces[i]
	}
	// ip -o link: "7: vethnstuiabcd01@vethnstuiabcd02: ..." in the same
	// namespace, "9: pairnstui0@if8: ... link-netns NAME" across.
	v1, v2 := get("vethnstuiabcd01"), get("vethnstuiabcd02")
	if v1.Link != v2.Index || v2.Link != v1.Index || v1.LinkNetnsID != -1 {
		t.Errorf("veth pair in one namespace: %+v and %+v, want each linked to the other, no netnsid", v1, v2)
	}
	p0 := get("pairnstui0")
	out := detailsRun(t, "ip", "-n", b, "-o", "link", "show", "pairnstui1")
	peer, err := strconv.Atoi(strings.SplitN(out, ":", 2)[0])
	if err != nil {
		t.Fatalf("ip -o link: %q", out)
	}
	if p0.Link != peer || p0.LinkNetnsID < 0 {
		t.Errorf("veth with its peer in %s: %+v, want link %d and a netnsid", b, p0, peer)
	}
	if lo := get("lo"); lo.Link != 0 {
		t.Errorf("lo: link %d, want none", lo.Link)
	}
}
