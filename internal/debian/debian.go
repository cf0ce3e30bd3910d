// Package debian installs the Debian packages rtwasm needs on the host
// (compilers, busybox, runc, stress-ng, chromium for the report check) when
// running as root on Debian or Ubuntu, and otherwise names the apt-get
// command to run. It imports the standard library only.
package debian

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
)

var aptUpdate sync.Once

// Ensure makes sure the Debian packages are installed: it installs
// the missing ones with apt-get when running as root on Debian or Ubuntu,
// and otherwise fails with the command that would install them.
func Ensure(ctx context.Context, pkgs ...string) error {
	missing := Missing(ctx, pkgs...)
	if len(missing) == 0 {
		return nil
	}
	hint := "install them with: sudo apt-get install -y " + strings.Join(missing, " ")
	if _, err := exec.LookPath("apt-get"); err != nil {
		return fmt.Errorf("missing Debian packages %s and apt-get is not available; %s", strings.Join(missing, " "), hint)
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("missing Debian packages %s (not root, so not installing them); %s", strings.Join(missing, " "), hint)
	}
	aptUpdate.Do(func() { exec.CommandContext(ctx, "apt-get", "update", "-qq").Run() })
	cmd := exec.CommandContext(ctx, "apt-get", append([]string{"install", "-y", "-qq", "--no-install-recommends"}, missing...)...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("apt-get install %s failed: %v\n%s", strings.Join(missing, " "), err, tail(out))
	}
	return nil
}

// Missing returns the packages dpkg does not report as installed.
func Missing(ctx context.Context, pkgs ...string) []string {
	var missing []string
	for _, p := range pkgs {
		out, err := exec.CommandContext(ctx, "dpkg-query", "-W", "-f=${Status}", p).Output()
		if err != nil || !strings.Contains(string(out), "install ok installed") {
			missing = append(missing, p)
		}
	}
	return missing
}

// tail is the end of apt-get's output, where its error is.
func tail(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 800 {
		b = b[len(b)-800:]
	}
	return string(b)
}
