//go:build unix

package boundedfile

import "syscall"

// openFlags open without blocking: opening a FIFO for reading would wait
// for a writer. (It makes no difference to reading a regular file.)
const openFlags = syscall.O_NONBLOCK
