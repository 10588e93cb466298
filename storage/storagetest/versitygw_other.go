//go:build !linux

package storagetest

import "os/exec"

// tieToParent does nothing here: only Linux can kill a child with its
// parent. A test binary killed before its cleanups leaves versitygw running.
func tieToParent(cmd *exec.Cmd) {}
