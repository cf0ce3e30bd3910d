package toolchain

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// DefaultCacheDir is where downloads and SDKs go when Config.CacheDir is
// empty: under the user's cache directory, never a shared path in /tmp.
func DefaultCacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for the toolchain (%v); set RTWASM_CACHE, XDG_CACHE_HOME or HOME", err)
	}
	return filepath.Join(dir, "rtwasm", "toolchain"), nil
}

func (c *Config) defaultCacheDir() error {
	if c.CacheDir != "" {
		return nil
	}
	dir, err := DefaultCacheDir()
	c.CacheDir = dir
	return err
}

// ownedDir creates dir if needed (0700) and refuses a directory another
// user owns or may write to: whatever is cached there is later executed.
func ownedDir(dir string) error {
	if dir == "" {
		return fmt.Errorf("no directory given for the toolchain's files")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	info, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("%s belongs to uid %d, not to this user (uid %d), who would run what it holds; use a directory of your own", dir, st.Uid, os.Geteuid())
	}
	if info.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("%s is writable by other users (mode %v), who could replace what it holds; fix it with: chmod go-w %s", dir, info.Mode().Perm(), dir)
	}
	return nil
}
