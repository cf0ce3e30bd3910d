package container

import (
	"os/exec"
	"testing"
	"time"
)

// TestHeldImagesKept: an image held by a live process (this one, or a
// child still running) is in use; once the holder exits it is not. clean
// (removeImages) skips the images in use.
func TestHeldImagesKept(t *testing.T) {
	holdDir = t.TempDir()
	const mine, theirs, free = "sha256:aaaa", "sha256:bbbb", "sha256:cccc"
	holdImage(mine)
	if !imageInUse(mine) {
		t.Error("an image this process holds is not in use")
	}
	if imageInUse(free) {
		t.Error("an image nobody holds is in use")
	}
	// Another process (another checkout's run) holds theirs until it exits.
	cmd := exec.Command("flock", "--shared", holdPath(theirs), "sh", "-c", "read x")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Skip("no flock command:", err)
	}
	for deadline := time.Now().Add(time.Minute); !imageInUse(theirs) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond) // until flock has taken it
	}
	if !imageInUse(theirs) {
		t.Error("an image another live process holds is not in use")
	}
	stdin.Close()
	cmd.Wait()
	if imageInUse(theirs) {
		t.Error("an image whose holder exited is still in use")
	}
}
