// Package cowmap is the map behind the engine's memos: read on every
// answer by many goroutines at once, written once per new key. Reads take
// no lock; a write copies the map under a lock (memos are small and their
// keys few), and a bound keeps an unusual input from growing one without
// end.
package cowmap

import (
	"sync"
	"sync/atomic"
)

// Map is a copy-on-write map. The zero Map is empty and ready to use; a
// Map must not be copied after first use.
type Map[K comparable, V any] struct {
	mu sync.Mutex
	m  atomic.Pointer[map[K]V]
}

// Load returns the value kept for k.
func (c *Map[K, V]) Load(k K) (V, bool) {
	if m := c.m.Load(); m != nil {
		v, ok := (*m)[k]
		return v, ok
	}
	var zero V
	return zero, false
}

// LoadBytes is Load for a key held as bytes, without making a string of
// them.
func LoadBytes[V any](c *Map[string, V], k []byte) (V, bool) {
	if m := c.m.Load(); m != nil {
		v, ok := (*m)[string(k)]
		return v, ok
	}
	var zero V
	return zero, false
}

// Store keeps v for k and returns it, unless a value is kept for k already
// (a goroutine that computed it first), which it returns instead. When the
// map holds max values, v is returned and not kept.
func (c *Map[K, V]) Store(k K, v V, max int) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.m.Load()
	n := 0
	if old != nil {
		if kept, ok := (*old)[k]; ok {
			return kept
		}
		n = len(*old)
	}
	if n >= max {
		return v
	}
	m := make(map[K]V, n+1)
	if old != nil {
		for kk, vv := range *old {
			m[kk] = vv
		}
	}
	m[k] = v
	c.m.Store(&m)
	return v
}

// Len returns the number of values kept.
func (c *Map[K, V]) Len() int {
	if m := c.m.Load(); m != nil {
		return len(*m)
	}
	return 0
}
