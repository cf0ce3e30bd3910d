package toolchain

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// DebugSections lists the debug sections (.debug_*, .zdebug_*) of an ELF
// executable or a WebAssembly module's custom sections.
func DebugSections(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	magic := make([]byte, 4)
	if _, err := io.ReadFull(f, magic); err != nil {
		return nil, fmt.Errorf("%s is neither ELF nor WebAssembly: %v", path, err)
	}
	var names []string
	switch {
	case string(magic) == "\x00asm":
		var m []byte
		if m, err = os.ReadFile(path); err == nil {
			names, err = wasmCustomSections(m)
		}
	case string(magic) == elf.ELFMAG:
		names, err = elfSections(f)
	default:
		return nil, fmt.Errorf("%s is neither ELF nor WebAssembly (magic %q)", path, magic)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var debug []string
	for _, n := range names {
		if strings.HasPrefix(n, ".debug") || strings.HasPrefix(n, ".zdebug") {
			debug = append(debug, n)
		}
	}
	return debug, nil
}

func elfSections(r io.ReaderAt) ([]string, error) {
	e, err := elf.NewFile(r)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, s := range e.Sections {
		names = append(names, s.Name)
	}
	return names, nil
}

// wasmCustomSections lists the names of a module's custom sections. Each
// section is an id byte and a LEB128 size (Go's uvarint encoding); a custom
// section (id 0) starts with its length-prefixed name.
func wasmCustomSections(m []byte) ([]string, error) {
	if len(m) < 8 {
		return nil, errors.New("truncated WebAssembly header")
	}
	var names []string
	for rest := m[8:]; len(rest) > 0; {
		id := rest[0]
		size, n := binary.Uvarint(rest[1:])
		if n <= 0 || size > uint64(len(rest)-1-n) {
			return nil, fmt.Errorf("section %d at offset %d is truncated", id, len(m)-len(rest))
		}
		body := rest[1+n : 1+n+int(size)]
		rest = rest[1+n+int(size):]
		if id != 0 {
			continue
		}
		length, k := binary.Uvarint(body)
		if k <= 0 || length > uint64(len(body)-k) {
			return nil, errors.New("custom section name is truncated")
		}
		names = append(names, string(body[k:k+int(length)]))
	}
	return names, nil
}
