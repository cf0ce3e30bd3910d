package toolchain

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
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

	"github.com/rtwasm/rtwasm/internal/debian"
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
	if err := debian.Ensure(ctx, DebianWasmPackages...); err != nil {
		return nil, fmt.Errorf("no WASI compiler: %s: %v; fallback: %w", WasiSDKVersion, sdkErr, err)
	}
	path, err := exec.LookPath("clang-19")
	if err != nil {
		return nil, fmt.Errorf("no WASI compiler: clang-19 not on PATH after installing %s", strings.Join(DebianWasmPackages, " "))
	}
	g, err := newCompiler(ctx, Wasm, "debian-clang-19", path, "debian packages "+strings.Join(DebianWasmPackages, " "),
		[]string{"--target=wasm32-wasi", "--sysroot=/usr"}, []string{"-lm"})
	if err != nil {
		return nil, err
	}
	g.prov.Note = fmt.Sprintf("fallback: %s could not be had: %v", WasiSDKVersion, sdkErr)
	return g, nil
}

// WasiSDK returns the pinned wasi-sdk's clang, downloading, verifying and
// unpacking the release into cfg.CacheDir on first use.
func WasiSDK(ctx context.Context, cfg Config) (Compiler, error) {
	if err := cfg.defaultCacheDir(); err != nil {
		return nil, err
	}
	root := filepath.Join(cfg.CacheDir, wasiSDKDir)
	source := WasiSDKVersion + " release, cached (sha256 verified when downloaded)"
	if _, err := os.Stat(filepath.Join(root, "bin", "clang")); err != nil {
		if err := fetchWasiSDK(ctx, cfg); err != nil {
			return nil, err
		}
		source = WasiSDKVersion + " release, downloaded, sha256 " + WasiSDKSHA256 + " verified"
	}
	return newCompiler(ctx, Wasm, WasiSDKVersion, filepath.Join(root, "bin", "clang"), source,
		[]string{"--target=wasm32-wasi", "--sysroot=" + filepath.Join(root, "share", "wasi-sysroot")}, []string{"-lm"})
}

// fetchWasiSDK downloads, verifies and unpacks the release in a private
// work directory, then moves the SDK into place, so that a half-unpacked
// SDK is never mistaken for a whole one.
func fetchWasiSDK(ctx context.Context, cfg Config) error {
	url := cfg.WasiSDKURL
	if url == "" {
		url = WasiSDKURL
	}
	if err := ownedDir(cfg.CacheDir); err != nil {
		return err
	}
	work, err := os.MkdirTemp(cfg.CacheDir, ".wasi-sdk-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	archive := filepath.Join(work, filepath.Base(WasiSDKURL))
	if err := download(ctx, url, archive); err != nil {
		return err
	}
	if err := VerifySHA256(archive, WasiSDKSHA256); err != nil {
		return err
	}
	unpacked := filepath.Join(work, "unpacked")
	if err := os.Mkdir(unpacked, 0o700); err != nil {
		return err
	}
	if err := UntarGz(archive, unpacked); err != nil {
		return err
	}
	dest := filepath.Join(cfg.CacheDir, wasiSDKDir)
	if err := os.RemoveAll(dest); err != nil { // an SDK without bin/clang
		return err
	}
	return os.Rename(filepath.Join(unpacked, wasiSDKDir), dest)
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

// UntarGz unpacks a .tar.gz into dir (the wasi-sdk; an artifact bundle). Every file operation goes through an
// os.Root, so nothing, not even a write through a symlink the archive made,
// lands outside dir; names and links that point outside are refused up front.
func UntarGz(archive, dir string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("unpack %s: %w", archive, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("unpack %s: %w", archive, err)
		}
		if err := extract(root, tr, h); err != nil {
			return fmt.Errorf("unpack %s: entry %q: %w", archive, h.Name, err)
		}
	}
}

var errEscapes = errors.New("escapes the target directory")

// extract writes one tar entry under root; other entry types (devices,
// fifos) are skipped.
func extract(root *os.Root, r io.Reader, h *tar.Header) error {
	name := filepath.FromSlash(h.Name)
	if !filepath.IsLocal(name) {
		return errEscapes
	}
	if h.Typeflag != tar.TypeDir {
		if err := root.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
	}
	switch h.Typeflag {
	case tar.TypeDir:
		return root.MkdirAll(name, 0o755)
	case tar.TypeSymlink:
		link := filepath.FromSlash(h.Linkname)
		if filepath.IsAbs(link) || !filepath.IsLocal(filepath.Join(filepath.Dir(name), link)) {
			return fmt.Errorf("symlink to %q %w", h.Linkname, errEscapes)
		}
		return root.Symlink(link, name)
	case tar.TypeLink: // hard link names are relative to the archive's root
		if !filepath.IsLocal(filepath.FromSlash(h.Linkname)) {
			return fmt.Errorf("hard link to %q %w", h.Linkname, errEscapes)
		}
		return root.Link(filepath.FromSlash(h.Linkname), name)
	case tar.TypeReg:
		f, err := root.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode)&0o777)
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
