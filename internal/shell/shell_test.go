package shell

import (
	"os/exec"
	"testing"
)

// Each quoted word reaches a real shell as exactly the original string.
func TestQuoteSurvivesTheShell(t *testing.T) {
	for _, s := range []string{"plain/path", "", "with space", "it's", "$HOME `x` \"q\"", "a\nb", "*", "~x", "a;b|c&d"} {
		out, err := exec.Command("sh", "-c", "printf %s "+Quote(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("Quote(%q) = %s: the shell read %q (%v)", s, Quote(s), out, err)
		}
	}
	if Quote("RTWASM_DATA") != "RTWASM_DATA" {
		t.Errorf("a plain word is quoted: %s", Quote("RTWASM_DATA"))
	}
}
