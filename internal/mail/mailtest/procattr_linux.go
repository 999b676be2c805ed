package mailtest

import (
	"os/exec"
	"syscall"
)

// killWithParent makes the kernel end mailpit when the test binary dies
// (a panic or a timeout), so no server outlives its test run.
func killWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
