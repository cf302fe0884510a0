package cowmap

import (
	"sync"
	"testing"
)

func TestMap(t *testing.T) {
	var m Map[string, int]
	if _, ok := m.Load("a"); ok || m.Len() != 0 {
		t.Fatal("the zero Map is not empty")
	}
	if v := m.Store("a", 1, 2); v != 1 {
		t.Fatalf("Store gave %d, want 1", v)
	}
	if v := m.Store("a", 2, 2); v != 1 {
		t.Fatalf("a second Store for a key gave %d, want the first value, 1", v)
	}
	m.Store("b", 3, 2)
	if v := m.Store("c", 4, 2); v != 4 || m.Len() != 2 {
		t.Fatalf("past the bound: Store gave %d and the map holds %d, want 4 not kept", v, m.Len())
	}
	if _, ok := m.Load("c"); ok {
		t.Fatal("a value past the bound was kept")
	}
	if v, ok := LoadBytes(&m, []byte("b")); !ok || v != 3 {
		t.Fatalf("LoadBytes gave %d, %v", v, ok)
	}
	if n := testing.AllocsPerRun(100, func() { LoadBytes(&m, []byte("b")) }); n != 0 {
		t.Errorf("LoadBytes allocates %.0f times", n)
	}
}

// Concurrent readers and writers (run with -race): every goroutine gets
// the first value stored for each key.
func TestMapConcurrent(t *testing.T) {
	var m Map[int, int]
	var wg sync.WaitGroup
	got := make([][]int, 8)
	for g := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 100 {
				if _, ok := m.Load(k); !ok {
					m.Store(k, g, 1000)
				}
				v, _ := m.Load(k)
				got[g] = append(got[g], v)
			}
		}()
	}
	wg.Wait()
	for g := range got {
		for k, v := range got[g] {
			if v != got[0][k] {
				t.Fatalf("key %d: goroutine %d saw %d, goroutine 0 saw %d", k, g, v, got[0][k])
			}
		}
	}
}
