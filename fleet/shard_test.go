package fleet

import (
	"fmt"
	"reflect"
	"testing"
)

func TestShardRoundRobin(t *testing.T) {
	trials := []string{"a", "b", "c", "d", "e", "f", "g"}
	got := Shard(trials, 3)
	want := [][]string{{"a", "d", "g"}, {"b", "e"}, {"c", "f"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Shard(7 trials, 3) = %v, want %v", got, want)
	}
	if !reflect.DeepEqual(Shard(trials, 3), got) {
		t.Fatal("Shard is not deterministic")
	}
	if n := len(Shard(trials, 10)); n != 7 {
		t.Errorf("Shard(7 trials, 10) made %d shards, want 7 (no empty shard)", n)
	}
	if n := len(Shard(trials, 0)); n != 1 {
		t.Errorf("Shard(7 trials, 0) made %d shards, want 1", n)
	}
	if Shard(nil, 4) != nil {
		t.Error("Shard(nil, 4) != nil")
	}
	// Every trial lands in exactly one shard.
	seen := map[string]int{}
	for _, s := range Shard(trials, 4) {
		for _, c := range s {
			seen[c]++
		}
	}
	for _, c := range trials {
		if seen[c] != 1 {
			t.Errorf("trial %s dealt %d times", c, seen[c])
		}
	}
}

func TestParseKV(t *testing.T) {
	line := "JobId=12 UserId=root(0) Name=rt wasm JobState=NODE_FAIL NodeList=n1 WorkDir=/tmp/a b ArrayJobId=10 ArrayTaskId=2"
	m := parseKV(line)
	for k, v := range map[string]string{"JobId": "12", "Name": "rt wasm", "JobState": "NODE_FAIL", "WorkDir": "/tmp/a b", "ArrayTaskId": "2"} {
		if m[k] != v {
			t.Errorf("%s = %q, want %q", k, m[k], v)
		}
	}
}

func TestExpandIndexes(t *testing.T) {
	for in, want := range map[string][]int{"3": {3}, "2-4": {2, 3, 4}, "0,5-9:2%1": {0, 5, 7, 9}, "": nil} {
		if got := expandIndexes(in); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("expandIndexes(%q) = %v, want %v", in, got, want)
		}
	}
}
