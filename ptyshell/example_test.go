package ptyshell_test

import (
	"fmt"
	"os/exec"
	"strings"

	"github.com/nstui/nstui/ptyshell"
)

// A pane's life: start a program on its own PTY, redraw on change notices,
// forward keys, and close it.
func ExampleStart() {
	s, err := ptyshell.Start(exec.Command("sh", "-c", "echo hello from a pty; read line; echo got $line"), ptyshell.Options{Rows: 5, Cols: 40})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	for !strings.Contains(s.Text(), "hello") {
		<-s.Changed() // one pending notice at most: redraw, then wait again
	}
	for _, k := range "abc" {
		_ = s.SendKey(ptyshell.Key{Code: k, Text: string(k)})
	}
	_ = s.SendKey(ptyshell.Key{Code: ptyshell.KeyEnter})
	<-s.Done()
	code, _ := s.ExitStatus()
	rows := s.Rows(nil) // styled rows, cached per row
	fmt.Println(rows[0])
	fmt.Println(rows[2])
	fmt.Println("exit", code)
	// Output:
	// hello from a pty
	// got abc
	// exit 0
}
