package kernels

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestEveryKernelHasMINIReference: verify needs one dump per kernel.
func TestEveryKernelHasMINIReference(t *testing.T) {
	for _, k := range All() {
		if _, err := os.Stat(filepath.Join("reference", "MINI", k.Name+".txt")); err != nil {
			t.Errorf("%s: %v", k.Name, err)
		}
	}
}

// TestSHA256ReferenceMatchesGo recomputes the sha256 app's MINI dump with
// crypto/sha256, so the reference does not rest on our C code alone.
func TestSHA256ReferenceMatchesGo(t *testing.T) {
	buf := sha256Input(miniSize(t, "sha256"))
	digest := sha256.Sum256(buf)
	var prefixes []byte
	for n := range 130 {
		d := sha256.Sum256(buf[:min(n, len(buf))])
		prefixes = append(prefixes, d[:]...)
	}
	prefix := sha256.Sum256(prefixes)
	ref := reference(t, "sha256")
	for name, d := range map[string][32]byte{"digest": digest, "prefix_digests": prefix} {
		if got := section(t, ref, name); got != hex.EncodeToString(d[:]) {
			t.Errorf("%s: reference %q, crypto/sha256 %x", name, got, d)
		}
	}
}

// sha256Input is the C kernel_init's buffer: the top byte of an LCG.
func sha256Input(n int) []byte {
	buf := make([]byte, n)
	x := uint32(0x12345678)
	for i := range buf {
		x = x*1664525 + 1013904223
		buf[i] = byte(x >> 24)
	}
	return buf
}

// TestAppReferencesAreSane checks facts each app's MINI dump must show.
func TestAppReferencesAreSane(t *testing.T) {
	lz := fields(t, "lz77")
	if lz["roundtrip_ok"] != "1" || atoi(t, lz["compressed_bytes"]) >= atoi(t, lz["input_bytes"]) {
		t.Errorf("lz77 reference: round trip %s, %s of %s bytes", lz["roundtrip_ok"], lz["compressed_bytes"], lz["input_bytes"])
	}
	js := fields(t, "jsonparse")
	if js["error_at"] != "0" || atoi(t, js["tokens"]) == 0 || atoi(t, js["bytes"]) > miniSize(t, "jsonparse") {
		t.Errorf("jsonparse reference: error_at %s, %s tokens in %s bytes", js["error_at"], js["tokens"], js["bytes"])
	}
	// Four valid 3×3 convolutions and three 2×2 poolings.
	s := miniSize(t, "cnn")
	for range 3 {
		s = (s - 2) / 2
	}
	if got := section(t, reference(t, "cnn"), "grid"); got != strconv.Itoa(s-2) {
		t.Errorf("cnn reference grid %q, want %d", got, s-2)
	}
}

func miniSize(t *testing.T, name string) int {
	t.Helper()
	k, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return k.Sizes[0][0]
}

func reference(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("reference", "MINI", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// section returns the trimmed text between "begin dump: name" and its end line.
func section(t *testing.T, dump, name string) string {
	t.Helper()
	_, rest, ok := strings.Cut(dump, "begin dump: "+name+"\n")
	body, _, ok2 := strings.Cut(rest, "\nend   dump: "+name+"\n")
	if !ok || !ok2 {
		t.Fatalf("no section %q in dump:\n%s", name, dump)
	}
	return strings.TrimSpace(body)
}

// fields parses a "summary" section of "key value" lines.
func fields(t *testing.T, name string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for line := range strings.Lines(section(t, reference(t, name), "summary")) {
		k, v, _ := strings.Cut(strings.TrimSpace(line), " ")
		m[k] = v
	}
	return m
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(fmt.Errorf("not a number %q: %w", s, err))
	}
	return n
}
