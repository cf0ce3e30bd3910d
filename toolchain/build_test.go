package toolchain

import (
	"context"
	"os"
	"testing"
)

func TestBuildCacheCompilesOnce(t *testing.T) {
	ctx := context.Background()
	set, err := Resolve(ctx, Config{CacheDir: t.TempDir()}, Glibc)
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	job := Job{Name: "hello", Defines: []string{"-DGREETING=1"},
		Sources: map[string][]byte{"hello.c": []byte("int main(void) { return GREETING - 1; }\n")}}
	first, err := Build(ctx, set[Glibc], job, cache)
	if err != nil {
		t.Fatal(err)
	}
	if first.Cached || first.SHA256 == "" || first.Bytes == 0 {
		t.Fatalf("first build: %+v, want a fresh artifact with a digest", first)
	}
	info, _ := os.Stat(first.Path)
	second, err := Build(ctx, set[Glibc], job, cache)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := os.Stat(second.Path)
	if !second.Cached || second.Path != first.Path || !again.ModTime().Equal(info.ModTime()) {
		t.Fatalf("second build recompiled: %+v", second)
	}
	job.Defines = []string{"-DGREETING=2"}
	third, err := Build(ctx, set[Glibc], job, cache)
	if err != nil {
		t.Fatal(err)
	}
	if third.Cached || third.Key == first.Key {
		t.Fatalf("changed defines reused the cache: %+v", third)
	}
}

func TestBuildReportsCompilerErrors(t *testing.T) {
	ctx := context.Background()
	set, err := Resolve(ctx, Config{CacheDir: t.TempDir()}, Glibc)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Build(ctx, set[Glibc], Job{Name: "broken", Sources: map[string][]byte{"broken.c": []byte("int main( {")}}, t.TempDir())
	if err == nil {
		t.Fatal("a syntax error built")
	}
}
