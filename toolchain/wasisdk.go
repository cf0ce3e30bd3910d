package toolchain

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// The pinned WASI SDK release.
const (
	WasiSDKVersion = "wasi-sdk-21"
	WasiSDKURL     = "https://github.com/WebAssembly/wasi-sdk/releases/download/wasi-sdk-21/wasi-sdk-21.0-linux.tar.gz"
	WasiSDKSHA256  = "f2fe0723b337c484556b19d64c0f6c6044827014bfcd403d00951c65a86cfa26"
	wasiSDKDir     = "wasi-sdk-21.0"
)

// DebianWasmPackages are the fallback WASI toolchain's Debian packages.
var DebianWasmPackages = []string{"clang-19", "lld-19", "wasi-libc", "libclang-rt-19-dev-wasm32"}

// failedSDK remembers, per cache directory and URL, why the wasi-sdk could
// not be had, so that one process (toolchain, then build) tries only once.
var failedSDK sync.Map

// resolveWasm prefers the pinned wasi-sdk release and falls back to Debian's
// clang-19 with wasi-libc, recording why in the provenance note.
func resolveWasm(ctx context.Context, cfg Config) (Compiler, error) {
	key := cfg.CacheDir + "\x00" + cfg.WasiSDKURL
	var sdkErr error
	if v, failed := failedSDK.Load(key); failed {
		sdkErr = v.(error)
	} else if c, err := WasiSDK(ctx, cfg); err == nil {
		return c, nil
	} else {
		sdkErr = err
		failedSDK.Store(key, err)
	}
	if cfg.Log != nil {
		fmt.Fprintf(cfg.Log, "toolchain: %s unavailable (%v); falling back to Debian's clang-19 + wasi-libc\n", WasiSDKVersion, sdkErr)
	}
	if err := EnsurePackages(ctx, DebianWasmPackages...); err != nil {
		return nil, fmt.Errorf("no WASI compiler: %s: %v; fallback: %w", WasiSDKVersion, sdkErr, err)
	}
	path, err := exec.LookPath("clang-19")
	if err != nil {
		return nil, fmt.Errorf("no WASI compiler: clang-19 not on PATH after installing %s", strings.Join(DebianWasmPackages, " "))
	}
	c, err := newCompiler(ctx, Wasm, "debian-clang-19", path, "debian packages "+strings.Join(DebianWasmPackages, " "),
		[]string{"--target=wasm32-wasi", "--sysroot=/usr"})
	if err != nil {
		return nil, err
	}
	g := c.(gccLike)
	g.prov.Note = fmt.Sprintf("fallback: %s could not be had: %v", WasiSDKVersion, sdkErr)
	return g, nil
}

// WasiSDK returns the pinned wasi-sdk's clang, downloading, verifying and
// unpacking the release into cfg.CacheDir on first use.
func WasiSDK(ctx context.Context, cfg Config) (Compiler, error) {
	root := filepath.Join(cfg.CacheDir, wasiSDKDir)
	source := WasiSDKVersion + " release, cached (sha256 verified when downloaded)"
	if _, err := os.Stat(filepath.Join(root, "bin", "clang")); err != nil {
		if err := fetchWasiSDK(ctx, cfg); err != nil {
			return nil, err
		}
		source = WasiSDKVersion + " release, downloaded, sha256 " + WasiSDKSHA256 + " verified"
	}
	return newCompiler(ctx, Wasm, WasiSDKVersion, filepath.Join(root, "bin", "clang"), source,
		[]string{"--target=wasm32-wasi", "--sysroot=" + filepath.Join(root, "share", "wasi-sysroot")})
}

func fetchWasiSDK(ctx context.Context, cfg Config) error {
	url := cfg.WasiSDKURL
	if url == "" {
		url = WasiSDKURL
	}
	if err := os.MkdirAll(cfg.CacheDir, 0o755); err != nil {
		return err
	}
	archive := filepath.Join(cfg.CacheDir, filepath.Base(WasiSDKURL))
	if err := download(ctx, url, archive); err != nil {
		return err
	}
	defer os.Remove(archive)
	if err := VerifySHA256(archive, WasiSDKSHA256); err != nil {
		return err
	}
	return untarGz(archive, cfg.CacheDir)
}

// download fetches url into path with short connect timeouts and a bounded
// total time.
func download(ctx context.Context, url, path string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 20 * time.Second,
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("download %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("download %s: %s", url, resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("download %s: %w", url, err)
	}
	return f.Close()
}

// VerifySHA256 checks path's digest; on a mismatch it deletes the file.
func VerifySHA256(path, want string) error {
	got, err := FileSHA256(path)
	if err != nil {
		return err
	}
	if got != want {
		os.Remove(path)
		return fmt.Errorf("checksum mismatch for %s: got sha256 %s, want %s; the file was deleted — retry the download, and if it persists the release changed or the download is corrupted", filepath.Base(path), got, want)
	}
	return nil
}

// FileSHA256 returns the hex SHA-256 of a file.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// untarGz unpacks a .tar.gz into dir, refusing paths that escape it.
func untarGz(archive, dir string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("unpack %s: %w", archive, err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("unpack %s: %w", archive, err)
		}
		target := filepath.Join(dir, h.Name)
		if !strings.HasPrefix(target, filepath.Clean(dir)+string(os.PathSeparator)) {
			return fmt.Errorf("unpack %s: entry %q escapes the target directory", archive, h.Name)
		}
		if err := writeEntry(tr, h, target); err != nil {
			return err
		}
	}
}

func writeEntry(r io.Reader, h *tar.Header, target string) error {
	switch h.Typeflag {
	case tar.TypeDir:
		return os.MkdirAll(target, 0o755)
	case tar.TypeSymlink:
		os.MkdirAll(filepath.Dir(target), 0o755)
		return os.Symlink(h.Linkname, target)
	case tar.TypeReg:
		os.MkdirAll(filepath.Dir(target), 0o755)
		f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode)&0o777)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, r); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	return nil
}
