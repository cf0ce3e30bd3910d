package toolchain

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
)

var aptUpdate sync.Once

// EnsurePackages makes sure the Debian packages are installed: it installs
// the missing ones with apt-get when running as root on Debian or Ubuntu,
// and otherwise fails with the command that would install them.
func EnsurePackages(ctx context.Context, pkgs ...string) error {
	missing := MissingPackages(ctx, pkgs...)
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
		return fmt.Errorf("apt-get install %s failed: %v\n%s", strings.Join(missing, " "), err, lastLines(out, 10))
	}
	return nil
}

// MissingPackages returns the packages dpkg does not report as installed.
func MissingPackages(ctx context.Context, pkgs ...string) []string {
	var missing []string
	for _, p := range pkgs {
		out, err := exec.CommandContext(ctx, "dpkg-query", "-W", "-f=${Status}", p).Output()
		if err != nil || !strings.Contains(string(out), "install ok installed") {
			missing = append(missing, p)
		}
	}
	return missing
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
