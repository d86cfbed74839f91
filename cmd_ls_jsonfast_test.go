package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// TestLsJSONFastPathMatchesMarshal: the reflection-free writers of holders and
// name lists write the JSON encoding/json would (omitempty, compact), with
// strings escaped as lsns escapes them (see TestLsJSONStringsLikeLsns).
func TestLsJSONFastPathMatchesMarshal(t *testing.T) {
	zero, five := 0, 5
	vals := []any{
		[]holderJSON{{Kind: "process", PID: 1, Path: "/proc/1/ns/net"}, {Kind: "fd", PID: 2, FD: &zero, Path: "/proc/2/fd/0"}, {Kind: "bindmount", PID: 3, Path: "/run/netns/a<b>&c\u2028é\x01", MntNS: 4026531841}, {Kind: "child", Child: 4026531999}, {Kind: "thread", PID: 9, TID: 10, FD: &five}},
		[]holderJSON{},
		[]string{},
		[]string{"a", "b<c", "d\"e", "f\\g", "\b\f\t"},
	}
	for _, v := range vals {
		var buf bytes.Buffer
		bw := bufio.NewWriter(&buf)
		if err := writeJSONValue(bw, v); err != nil {
			t.Fatal(err)
		}
		bw.Flush()
		want, _ := json.Marshal(v)
		var got, exp any
		if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
			t.Fatalf("%s: %v", buf.String(), err)
		}
		_ = json.Unmarshal(want, &exp)
		if !reflect.DeepEqual(got, exp) || bytes.ContainsAny(buf.Bytes(), " \n") {
			t.Errorf("got  %s\nwant %s (the same value, compact)", buf.String(), want)
		}
	}
}

// TestLsJSONStringsLikeLsns: strings are escaped as libsmartcols escapes
// them for lsns -J: '"' and '\' with a backslash, control bytes as \b \t \n
// \f \r or \u00xx, and nothing else (no HTML escaping; UTF-8, U+2028, DEL and
// even invalid bytes as they are).
func TestLsJSONStringsLikeLsns(t *testing.T) {
	for in, want := range map[string]string{
		"plain /proc/1/ns/net":   `"plain /proc/1/ns/net"`,
		`sh -c "a && b" <c> \d`:  `"sh -c \"a && b\" <c> \\d"`,
		"\x00\x01\x1b\x1f\b\f\r": `"\u0000\u0001\u001b\u001f\b\f\r"`,
		"a\tb\nc":                `"a\tb\nc"`,
		"é\u2028\x7f\xff":        "\"é\u2028\x7f\xff\"",
		"":                       `""`,
	} {
		var buf bytes.Buffer
		bw := bufio.NewWriter(&buf)
		writeJSONString(bw, in)
		bw.Flush()
		if buf.String() != want {
			t.Errorf("writeJSONString(%q) = %s, want %s", in, buf.String(), want)
		}
	}
}
