package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
)

// TestLsJSONFastPathMatchesMarshal: the reflection-free writers of holders and
// name lists write exactly what encoding/json would (omitempty, HTML escaping).
func TestLsJSONFastPathMatchesMarshal(t *testing.T) {
	zero, five := 0, 5
	vals := []any{
		[]holderJSON{{Kind: "process", PID: 1, Path: "/proc/1/ns/net"}, {Kind: "fd", PID: 2, FD: &zero, Path: "/proc/2/fd/0"}, {Kind: "bindmount", PID: 3, Path: "/run/netns/a<b>&c\u2028é\x01", MntNS: 4026531841}, {Kind: "child", Child: 4026531999}, {Kind: "thread", PID: 9, TID: 10, FD: &five}},
		[]holderJSON{},
		[]string{},
		[]string{"a", "b<c", "d\"e", "f\\g", "\xff"},
	}
	for _, v := range vals {
		var buf bytes.Buffer
		bw := bufio.NewWriter(&buf)
		if err := writeJSONValue(bw, v); err != nil {
			t.Fatal(err)
		}
		bw.Flush()
		want, _ := json.Marshal(v)
		if buf.String() != string(want) {
			t.Errorf("got  %s\nwant %s", buf.String(), want)
		}
	}
}
