package portfolio

import (
	"bufio"
	"encoding/csv"
	"io"
)

// csvTable writes CSV for people: UTF-8 with a byte-order mark, which Excel
// needs to read UTF-8 (without it, it reads the Chinese as GBK).
type csvTable struct {
	bw  *bufio.Writer
	cw  *csv.Writer
	bom bool
}

func newCSVTable(w io.Writer) *csvTable {
	bw := bufio.NewWriterSize(w, 64<<10)
	return &csvTable{bw: bw, cw: csv.NewWriter(bw)}
}

func (c *csvTable) write(rec []string) error {
	if !c.bom {
		c.bom = true
		if _, err := c.bw.WriteString("\ufeff"); err != nil {
			return err
		}
	}
	return c.cw.Write(rec)
}

func (c *csvTable) flush() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	return c.bw.Flush()
}
