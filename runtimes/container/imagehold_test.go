package container

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestHeldImagesKept: an image held by a live process (this one, or a
// child still running) is in use; once the holder exits it is not. clean
// (removeImages) skips the images in use.
func TestHeldImagesKept(t *testing.T) {
	holdDir = t.TempDir()
	const mine, theirs, free = "sha256:aaaa", "sha256:bbbb", "sha256:cccc"
	t.Cleanup(func() { release(mine) })
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

// TestCleanSaysWhichImages: clean removes the images nobody holds and says
// so, keeps each held image and names its holder (this process, or another
// checkout's run by its PID and directory), and drops a hold file whose
// process has exited.
func TestCleanSaysWhichImages(t *testing.T) {
	holdDir = t.TempDir()
	if _, err := exec.LookPath("flock"); err != nil {
		t.Skip("no flock command:", err)
	}
	const mine, theirs, free = "sha256:1111", "sha256:2222", "sha256:3333"
	t.Cleanup(func() { release(mine) })
	holdImage(mine)
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	stale := fmt.Sprintf("%s.%d", holdPath(free), gone.Process.Pid) // its process has exited
	if err := os.WriteFile(stale, []byte("PID 1 (gone)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Another checkout's run: its hold file names its PID and directory.
	cmd := exec.Command("sh", "-c", `f=$0.$$; echo "PID $$ (mage, in /other/checkout)" >$f; exec flock --shared $f sh -c "read x"`, holdPath(theirs))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	for deadline := time.Now().Add(time.Minute); !imageInUse(theirs) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond) // until flock has taken it
	}
	images := []cleanImage{{mine, "rtwasm-mine"}, {theirs, "rtwasm-theirs"}, {free, "rtwasm-free"}}
	var removed []string
	var log strings.Builder
	err = removeUnheld(images, func(id string) error { removed = append(removed, id); return nil }, &log)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(removed, []string{free}) {
		t.Errorf("removed %v; want only %s", removed, free)
	}
	for _, want := range []string{
		fmt.Sprintf("kept image rtwasm-mine: in use by PID %d (", os.Getpid()),
		fmt.Sprintf("kept image rtwasm-theirs: in use by PID %d (mage, in /other/checkout)", cmd.Process.Pid),
		"removed image rtwasm-free\n",
		"removed 1 rtwasm images, kept 2 in use",
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("clean said:\n%s\nwant it to say %q", log.String(), want)
		}
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("the hold file of an exited process was kept")
	}
}

// release drops this process's hold of the image (a test's, so that the
// next one holds it anew in its own directory).
func release(id string) {
	holds.Lock()
	defer holds.Unlock()
	if f := holds.files[id]; f != nil {
		f.Close()
		delete(holds.files, id)
	}
}
