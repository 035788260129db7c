//go:build unix

package validate

import (
	"syscall"
	"unsafe"
)

// offheap is memory mapped outside the Go heap for the duplicate table:
// the garbage collector neither scans it (it holds no pointers) nor counts
// it when it sets how large the heap may grow, so a 50 MB table does not
// let the heap grow by another 50 MB of garbage. Only the tracker uses it,
// and frees it when a shard grows or the tracker is collected.
type offheap struct{ b []byte }

// offheapMin is the size from which a shard is mapped outside the heap.
const offheapMin = 256 << 10

// allocSlots returns n zeroed slots: keys and ordinals.
func allocSlots(n int) ([]uint64, []uint32, offheap) {
	size := n * 12
	if size < offheapMin {
		return make([]uint64, n), make([]uint32, n), offheap{}
	}
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]uint64, n), make([]uint32, n), offheap{}
	}
	keys := unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), n)
	ords := unsafe.Slice((*uint32)(unsafe.Pointer(&b[n*8])), n)
	return keys, ords, offheap{b: b}
}

// free unmaps the memory; the slots must no longer be used.
func (m *offheap) free() {
	if m.b != nil {
		_ = syscall.Munmap(m.b)
		m.b = nil
	}
}

// mapped is the number of bytes mapped.
func (m *offheap) mapped() int { return len(m.b) }
