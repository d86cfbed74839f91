// Package fuzzseed holds the byte streams the emulator fuzz targets start
// from (ptyshell's and ptyshell/vt's), so both grow from one list.
package fuzzseed

import "strings"

// Seeds returns byte streams that have hurt terminal emulators: odd scroll
// regions, huge parameters, unterminated strings, mode toggles, broken
// UTF-8, combining marks and wide characters at the margins.
func Seeds() []string {
	return []string{
		"hello\r\nworld",
		"\x1b[5;2r\n\n\n\x1b[M\x1b[L",
		"\x1b[0;0r\x1b[?6h\x1b[3;1r\x1b[99B\n\n\x1b[S\x1b[T",
		"\x1b[?69h\x1b[10;5s\x1b[3;2r\x1b[99@\x1b[99P\x1b[99X",
		"\x1b[4294967295;4294967295H\x1b[99999999A\x1b[65535b",
		"\x1b]0;title\x07\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
		"\x1bP1$qm\x1b\\\x1b[c\x1b[>c\x1b[6n\x1b[?2004$p",
		"\x1b[?1049h\x1b[2J\x1b[?1049l\x1b[?1047h\x1b[?47h\x1b[?1048l",
		"\x1b(0lqqk\x1b(B\x0e\x0f\x1bn\x1bo",
		"\x1b[38:2::1:2:3m\x1b[58;5;9m\x1b[4:3m\xe4\xb8\xad\xf0\x9f\x98\x80e\xcc\x81",
		"\x1b]4;1;?\x07\x1b]10;?\x07\x1b]11;?\x1b\\\x1b]12;?\x07",
		"\xff\xfe\xc3\x28\xe2\x82\x1b[1m",
		"\x1b[1;1H" + strings.Repeat("\x1b[2J\x1bc", 10),
		"\x1b]" + strings.Repeat("A", 5000),
		"\x1b[" + strings.Repeat("1;", 2000) + "m",
		"\x1b[4h\xe4\xb8\xad\xe4\xb8\xad\x1b[1;1Hab\x1b[2@\x1b[1P\x1b[?7l" + strings.Repeat("\xe4\xb8\xad", 50),
		"e" + strings.Repeat("\xcc\x81", 100) + "\x1b#8\x1b[3;5r\x1b[?6h\x1b[6n\x1bM\x1bM\x1bD\x1bE",
	}
}
