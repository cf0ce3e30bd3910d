package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// ErrUnavailable marks a machine that cannot host a test cluster (not root, or
// the Debian packages cannot be installed); tests skip on it, nothing else does.
var ErrUnavailable = errors.New("test Slurm cluster unavailable")

// binaries are the programs Up runs; each comes from slurm-wlm or munge.
var binaries = []string{"munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scontrol", "nsenter", "unshare", "ip"}

// ensurePackages installs Debian's slurm-wlm and munge when a binary is missing.
func ensurePackages(ctx context.Context) error {
	if missing := missingBinaries(); len(missing) == 0 {
		return nil
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return fmt.Errorf("%w: %s missing and no apt-get: install slurm-wlm and munge (Debian/Ubuntu packages)", ErrUnavailable, strings.Join(missingBinaries(), ", "))
	}
	install := func() ([]byte, error) {
		cmd := exec.CommandContext(ctx, "apt-get", "install", "-y", "-q", "--no-install-recommends", "slurm-wlm", "munge")
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		return cmd.CombinedOutput()
	}
	out, err := install()
	if err != nil {
		// A fresh image has no package lists yet.
		if upd, uerr := exec.CommandContext(ctx, "apt-get", "update", "-q").CombinedOutput(); uerr != nil {
			return fmt.Errorf("%w: apt-get update: %v: %s", ErrUnavailable, uerr, tail(upd))
		}
		out, err = install()
	}
	if err != nil {
		return fmt.Errorf("%w: apt-get install slurm-wlm munge: %v: %s", ErrUnavailable, err, tail(out))
	}
	if missing := missingBinaries(); len(missing) > 0 {
		return fmt.Errorf("%w: still missing after apt-get install: %s", ErrUnavailable, strings.Join(missing, ", "))
	}
	return nil
}

func missingBinaries() []string {
	var missing []string
	for _, b := range binaries {
		if _, err := lookPath(b); err != nil {
			missing = append(missing, b)
		}
	}
	return missing
}

// lookPath also searches the sbin directories, which a non-login PATH may lack.
func lookPath(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/bin", "/bin"} {
		p := dir + "/" + name
		if st, err := os.Stat(p); err == nil && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found in PATH or /usr/sbin", name)
}

// tail keeps the end of a command's output for an error message.
func tail(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 800 {
		s = "…" + s[len(s)-800:]
	}
	return s
}
