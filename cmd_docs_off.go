//go:build !gendocs

package main

import "github.com/spf13/cobra"

// newGenDocsCmd is nil in normal builds; see cmd_docs.go (-tags gendocs).
func newGenDocsCmd() *cobra.Command { return nil }
