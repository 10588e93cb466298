package photo

import "image"

// plane is one pixel plane laid out row after row with no gap: w×h cells
// of elem bytes (1 for a grey or chroma sample, 4 for RGBA, 8 for RGBA64).
type plane struct {
	pix        []byte
	w, h       int // current size, in cells
	padW, padH int // size before transform
	elem       int
}

// planeOf views pix as a whole plane of stride/elem columns and as many
// full rows as pix holds, if that plane contains the visible rectangle r
// at its origin. Otherwise the image cannot be transformed in place.
func planeOf(pix []byte, stride, elem int, r image.Rectangle) (plane, bool) {
	if r.Min != (image.Point{}) || stride <= 0 || stride%elem != 0 {
		return plane{}, false
	}
	w, h := stride/elem, len(pix)/stride
	if h == 0 || w < r.Dx() || h < r.Dy() {
		return plane{}, false
	}
	return plane{pix: pix[:w*h*elem], w: w, h: h, padW: w, padH: h, elem: elem}, true
}

// transform applies orientation o (2–8) in place: a transposition for
// the sideways ones (5–8), then flips.
func (p *plane) transform(o int) {
	if o >= 5 {
		transposeInPlace(p.pix, p.h, p.w, p.elem)
		p.w, p.h = p.h, p.w
	}
	switch o {
	case 2, 3, 6, 7:
		p.flipH()
	}
	switch o {
	case 3, 4, 7, 8:
		p.flipV()
	}
}

// flipH mirrors every row.
func (p *plane) flipH() {
	e, rowLen := p.elem, p.w*p.elem
	var tmp [8]byte
	for y := range p.h {
		row := p.pix[y*rowLen : (y+1)*rowLen]
		if e == 1 {
			for i, j := 0, len(row)-1; i < j; i, j = i+1, j-1 {
				row[i], row[j] = row[j], row[i]
			}
			continue
		}
		for i, j := 0, len(row)-e; i < j; i, j = i+e, j-e {
			copy(tmp[:e], row[i:i+e])
			copy(row[i:i+e], row[j:j+e])
			copy(row[j:j+e], tmp[:e])
		}
	}
}

// flipV swaps rows top to bottom, with one row of scratch.
func (p *plane) flipV() {
	rowLen := p.w * p.elem
	tmp := make([]byte, rowLen)
	for i, j := 0, p.h-1; i < j; i, j = i+1, j-1 {
		a := p.pix[i*rowLen : (i+1)*rowLen]
		b := p.pix[j*rowLen : (j+1)*rowLen]
		copy(tmp, a)
		copy(a, b)
		copy(b, tmp)
	}
}

// transposeInPlace transposes the rows×cols matrix of elem-byte cells at
// the start of pix, in place, by following the cycles of the permutation
// that sends the cell at index i (row i/cols, column i%cols) to index
// (i%cols)*rows + i/cols. A bitmap of one bit a cell marks the cells
// already moved: 1/8 of the plane's size, instead of a second plane.
func transposeInPlace(pix []byte, rows, cols, elem int) {
	n := rows * cols
	if rows <= 1 || cols <= 1 {
		return // the same bytes either way
	}
	moved := make([]uint64, (n+63)/64)
	// The first and last cells never move.
	for start := 1; start < n-1; start++ {
		if w := moved[start>>6]; w == ^uint64(0) {
			start |= 63 // the whole word is done
			continue
		} else if w&(1<<(start&63)) != 0 {
			continue
		}
		if elem == 1 {
			cycle1(pix, moved, start, rows, cols)
		} else {
			cycleN(pix, moved, start, rows, cols, elem)
		}
	}
}

// cycle1 moves the one-byte cells of the cycle through start.
func cycle1(pix []byte, moved []uint64, start, rows, cols int) {
	carry := pix[start]
	i := start
	for {
		j := (i%cols)*rows + i/cols
		moved[j>>6] |= 1 << (j & 63)
		carry, pix[j] = pix[j], carry
		if j == start {
			return
		}
		i = j
	}
}

// cycleN moves the elem-byte cells (elem ≤ 8) of the cycle through start.
func cycleN(pix []byte, moved []uint64, start, rows, cols, elem int) {
	var carry, next [8]byte
	copy(carry[:elem], pix[start*elem:])
	i := start
	for {
		j := (i%cols)*rows + i/cols
		moved[j>>6] |= 1 << (j & 63)
		cell := pix[j*elem : j*elem+elem]
		copy(next[:elem], cell)
		copy(cell, carry[:elem])
		carry = next
		if j == start {
			return
		}
		i = j
	}
}
