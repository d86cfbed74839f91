package main

import "github.com/spf13/cobra"

// runTUI opens the interactive explorer. Until the TUI lands it prints help.
func runTUI(cmd *cobra.Command, _ []string) error {
	return cmd.Help()
}
