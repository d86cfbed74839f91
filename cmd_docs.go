//go:build gendocs

package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newGenDocsCmd writes the man pages and the bash, zsh and fish completions
// from the command tree itself, so they cannot drift from the flags. It is
// built only with -tags gendocs (make docs, the release hook): the man page
// generator costs every nstui start about 2.5 ms of package init otherwise.
func newGenDocsCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "gen-docs DIR",
		Short:  "Write man pages and shell completions into DIR",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return genDocs(cmd.Root(), args[0])
		},
	}
}

func genDocs(root *cobra.Command, dir string) error {
	man := filepath.Join(dir, "man")
	comp := filepath.Join(dir, "completions")
	for _, d := range []string{man, comp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
	}
	header := &doc.GenManHeader{Title: "NSTUI", Section: "1", Source: "nstui"}
	if err := doc.GenManTree(root, header, man); err != nil {
		return fmt.Errorf("generate man pages: %w", err)
	}
	gens := []struct {
		name string
		gen  func(string) error
	}{
		{"nstui.bash", func(p string) error { return root.GenBashCompletionFileV2(p, true) }},
		{"nstui.zsh", root.GenZshCompletionFile},
		{"nstui.fish", func(p string) error { return root.GenFishCompletionFile(p, true) }},
	}
	for _, g := range gens {
		if err := g.gen(filepath.Join(comp, g.name)); err != nil {
			return fmt.Errorf("generate %s: %w", g.name, err)
		}
	}
	return nil
}
