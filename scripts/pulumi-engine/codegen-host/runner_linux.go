package main

import (
	"os/exec"
	"syscall"
)

// endWithParent makes the kernel end the runner when this host dies, even by SIGKILL, so no host is left behind.
func endWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
