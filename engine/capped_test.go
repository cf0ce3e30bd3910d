package engine

import (
	"strings"
	"testing"
)

func TestCappedKeepsTheCapAndSaysSo(t *testing.T) {
	c := &capped{limit: 1 << 20}
	chunk := []byte(strings.Repeat("x", 300<<10))
	for range 5 {
		if n, err := c.Write(chunk); n != len(chunk) || err != nil {
			t.Fatalf("write: %d, %v", n, err)
		}
	}
	if c.Len() != 1<<20 {
		t.Errorf("kept %d bytes, want the 1 MiB cap", c.Len())
	}
	if err := c.overflow("stdout"); err == nil || !strings.Contains(err.Error(), "capture cap of 1 MiB") {
		t.Errorf("overflow: %v", err)
	}
	if err := (&capped{}).overflow("stdout"); err != nil {
		t.Errorf("no cap, yet %v", err)
	}
}
