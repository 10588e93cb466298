package storagetest

import (
	"os/exec"
	"syscall"
)

// tieToParent has the kernel kill cmd when the thread that starts it dies.
func tieToParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
