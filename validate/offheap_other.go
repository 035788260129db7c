//go:build !unix

package validate

// offheap: on systems without mmap the duplicate table lives on the heap.
type offheap struct{}

func allocSlots(n int) ([]uint64, []uint32, offheap) {
	return make([]uint64, n), make([]uint32, n), offheap{}
}

func (m *offheap) free() {}

func (m *offheap) mapped() int { return 0 }
