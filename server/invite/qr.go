package invite

import (
	"errors"
	"fmt"
	"strings"
)

// A QR code encoder (ISO/IEC 18004, model 2), small enough to own: byte
// mode, error correction level M (15% of the symbol may be damaged: a
// screen with a reflection, a crumpled print), versions 1 to 40. It only
// encodes; phones decode. The project adds no module for it, and invite
// links are short (version 4 to 6).

// eccPerBlockM and blocksM are the standard's table for level M, indexed
// by version (index 0 unused): error correction codewords per block, and
// the number of blocks.
var eccPerBlockM = [41]int{0,
	10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
	26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28}

var blocksM = [41]int{0,
	1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
	17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49}

// formatBitsM are the two bits of level M in the format information.
const formatBitsM = 0

// qrCode is an encoded symbol: dark[y][x] for each module.
type qrCode struct {
	version int
	size    int
	dark    [][]bool
	fixed   [][]bool // function patterns, which masks leave alone
}

var errTooLong = errors.New("qr: text too long")

// encodeQR encodes text in byte mode at level M, in the smallest version
// that holds it, with the mask of the lowest penalty.
func encodeQR(text string) (*qrCode, error) {
	data := []byte(text)
	version := 0
	for v := 1; v <= 40; v++ {
		countBits := 8
		if v >= 10 {
			countBits = 16
		}
		if 4+countBits+8*len(data) <= 8*dataCodewords(v) {
			version = v
			break
		}
	}
	if version == 0 {
		return nil, errTooLong
	}
	q := newQR(version)
	q.drawFunctionPatterns()
	q.drawCodewords(interleave(version, dataBytes(version, data)))

	best, bestPenalty := 0, -1
	for mask := 0; mask < 8; mask++ {
		q.applyMask(mask)
		q.drawFormat(mask)
		if p := q.penalty(); bestPenalty < 0 || p < bestPenalty {
			best, bestPenalty = mask, p
		}
		q.applyMask(mask) // XOR again undoes it
	}
	q.applyMask(best)
	q.drawFormat(best)
	return q, nil
}

func newQR(version int) *qrCode {
	size := 17 + 4*version
	q := &qrCode{version: version, size: size, dark: make([][]bool, size), fixed: make([][]bool, size)}
	for y := range q.dark {
		q.dark[y], q.fixed[y] = make([]bool, size), make([]bool, size)
	}
	return q
}

// rawModules is how many modules of a version carry codewords (data and
// error correction), remainder bits included.
func rawModules(v int) int {
	n := (16*v+128)*v + 64
	if v >= 2 {
		align := v/7 + 2
		n -= (25*align-10)*align - 55
		if v >= 7 {
			n -= 36
		}
	}
	return n
}

func dataCodewords(v int) int { return rawModules(v)/8 - eccPerBlockM[v]*blocksM[v] }

// dataBytes is the bit stream of byte mode: mode, count, data, terminator,
// and the standard's padding bytes.
func dataBytes(version int, data []byte) []byte {
	var bits []bool
	put := func(v, n int) {
		for i := n - 1; i >= 0; i-- {
			bits = append(bits, v>>i&1 == 1)
		}
	}
	put(0b0100, 4)
	if version >= 10 {
		put(len(data), 16)
	} else {
		put(len(data), 8)
	}
	for _, b := range data {
		put(int(b), 8)
	}
	capacity := 8 * dataCodewords(version)
	put(0, min(4, capacity-len(bits)))
	for len(bits)%8 != 0 {
		bits = append(bits, false)
	}
	out := make([]byte, 0, capacity/8)
	for i := 0; i < len(bits); i += 8 {
		var b byte
		for j := 0; j < 8; j++ {
			if bits[i+j] {
				b |= 0x80 >> j
			}
		}
		out = append(out, b)
	}
	for pad := byte(0xEC); len(out) < capacity/8; pad ^= 0xEC ^ 0x11 {
		out = append(out, pad)
	}
	return out
}

// interleave splits the data codewords into the version's blocks, adds
// each block's Reed-Solomon codewords, and interleaves them as the
// standard lays them out: the first codeword of every block, then the
// second, ...; then the same for the error correction codewords.
func interleave(version int, data []byte) []byte {
	nblocks, ecc := blocksM[version], eccPerBlockM[version]
	raw := rawModules(version) / 8
	short := nblocks - raw%nblocks // blocks with one data codeword fewer
	shortData := raw/nblocks - ecc
	gen := rsGenerator(ecc)
	blocks := make([][]byte, nblocks)
	eccs := make([][]byte, nblocks)
	for i, k := 0, 0; i < nblocks; i++ {
		n := shortData
		if i >= short {
			n++
		}
		blocks[i] = data[k : k+n]
		eccs[i] = rsRemainder(blocks[i], gen)
		k += n
	}
	out := make([]byte, 0, raw)
	for i := 0; i <= shortData; i++ {
		for _, b := range blocks {
			if i < len(b) {
				out = append(out, b[i])
			}
		}
	}
	for i := 0; i < ecc; i++ {
		for _, e := range eccs {
			out = append(out, e[i])
		}
	}
	return out
}

// gfMul multiplies in GF(2^8) modulo x^8+x^4+x^3+x^2+1 (0x11D).
func gfMul(x, y byte) byte {
	var z byte
	for i := 7; i >= 0; i-- {
		carry := z&0x80 != 0
		z <<= 1
		if carry {
			z ^= 0x1D
		}
		if y>>i&1 == 1 {
			z ^= x
		}
	}
	return z
}

// rsGenerator is the product (x - α^0)(x - α^1)...(x - α^(degree-1)),
// highest power first without its leading 1.
func rsGenerator(degree int) []byte {
	g := make([]byte, degree)
	g[degree-1] = 1
	root := byte(1)
	for i := 0; i < degree; i++ {
		for j := range g {
			g[j] = gfMul(g[j], root)
			if j+1 < len(g) {
				g[j] ^= g[j+1]
			}
		}
		root = gfMul(root, 2)
	}
	return g
}

// rsRemainder is data·x^degree modulo the generator: the error correction
// codewords.
func rsRemainder(data, gen []byte) []byte {
	r := make([]byte, len(gen))
	for _, b := range data {
		f := b ^ r[0]
		copy(r, r[1:])
		r[len(r)-1] = 0
		for i := range r {
			r[i] ^= gfMul(gen[i], f)
		}
	}
	return r
}

func (q *qrCode) set(x, y int, dark bool) {
	q.dark[y][x] = dark
	q.fixed[y][x] = true
}

// drawFunctionPatterns draws what every symbol of the version has: timing
// lines, finders, alignment patterns, and placeholders for the format and
// version information.
func (q *qrCode) drawFunctionPatterns() {
	for i := 0; i < q.size; i++ {
		q.set(6, i, i%2 == 0)
		q.set(i, 6, i%2 == 0)
	}
	for _, c := range [][2]int{{3, 3}, {q.size - 4, 3}, {3, q.size - 4}} {
		for dy := -4; dy <= 4; dy++ {
			for dx := -4; dx <= 4; dx++ {
				x, y := c[0]+dx, c[1]+dy
				if x < 0 || y < 0 || x >= q.size || y >= q.size {
					continue
				}
				d := max(abs(dx), abs(dy))
				q.set(x, y, d != 2 && d != 4)
			}
		}
	}
	pos := alignmentPositions(q.version)
	for i, cy := range pos {
		for j, cx := range pos {
			if (i == 0 && j == 0) || (i == 0 && j == len(pos)-1) || (i == len(pos)-1 && j == 0) {
				continue // the finders' corners
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					q.set(cx+dx, cy+dy, max(abs(dx), abs(dy)) != 1)
				}
			}
		}
	}
	q.drawFormat(0)
	q.drawVersion()
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// alignmentPositions are the centre coordinates of the alignment
// patterns, used on both axes.
func alignmentPositions(v int) []int {
	if v == 1 {
		return nil
	}
	n := v/7 + 2
	step := 26
	if v != 32 {
		step = (v*4 + n*2 + 1) / (n*2 - 2) * 2
	}
	pos := make([]int, n)
	pos[0] = 6
	for i, p := n-1, 17+4*v-7; i >= 1; i, p = i-1, p-step {
		pos[i] = p
	}
	return pos
}

// formatInfo is the 15-bit format information of level M and a mask:
// five bits, a BCH(15,5) code, and the standard's XOR pattern.
func formatInfo(mask int) int {
	data := formatBitsM<<3 | mask
	rem := data
	for i := 0; i < 10; i++ {
		rem = rem<<1 ^ (rem>>9)*0x537
	}
	return (data<<10 | rem) ^ 0x5412
}

// drawFormat writes both copies of the format information, and the dark
// module beside the lower-left finder.
func (q *qrCode) drawFormat(mask int) {
	bits := formatInfo(mask)
	bit := func(i int) bool { return bits>>i&1 == 1 }
	for i := 0; i <= 5; i++ {
		q.set(8, i, bit(i))
	}
	q.set(8, 7, bit(6))
	q.set(8, 8, bit(7))
	q.set(7, 8, bit(8))
	for i := 9; i < 15; i++ {
		q.set(14-i, 8, bit(i))
	}
	for i := 0; i < 8; i++ {
		q.set(q.size-1-i, 8, bit(i))
	}
	for i := 8; i < 15; i++ {
		q.set(8, q.size-15+i, bit(i))
	}
	q.set(8, q.size-8, true)
}

// drawVersion writes both copies of the version information (version 7
// and up): six bits and a BCH(18,6) code.
func (q *qrCode) drawVersion() {
	if q.version < 7 {
		return
	}
	rem := q.version
	for i := 0; i < 12; i++ {
		rem = rem<<1 ^ (rem>>11)*0x1F25
	}
	bits := q.version<<12 | rem
	for i := 0; i < 18; i++ {
		dark := bits>>i&1 == 1
		a, b := q.size-11+i%3, i/3
		q.set(a, b, dark)
		q.set(b, a, dark)
	}
}

// drawCodewords places the codewords in the standard's zigzag: two
// columns at a time from the right, upwards then downwards, skipping the
// vertical timing line and every function module.
func (q *qrCode) drawCodewords(words []byte) {
	i := 0
	for right := q.size - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5
		}
		upward := (right+1)&2 == 0
		for vert := 0; vert < q.size; vert++ {
			y := vert
			if upward {
				y = q.size - 1 - vert
			}
			for j := 0; j < 2; j++ {
				x := right - j
				if q.fixed[y][x] || i >= len(words)*8 {
					continue // remainder bits stay light
				}
				q.dark[y][x] = words[i/8]>>(7-i%8)&1 == 1
				i++
			}
		}
	}
}

// maskFuncs are the standard's eight mask conditions (x column, y row).
var maskFuncs = [8]func(x, y int) bool{
	func(x, y int) bool { return (x+y)%2 == 0 },
	func(x, y int) bool { return y%2 == 0 },
	func(x, y int) bool { return x%3 == 0 },
	func(x, y int) bool { return (x+y)%3 == 0 },
	func(x, y int) bool { return (x/3+y/2)%2 == 0 },
	func(x, y int) bool { return x*y%2+x*y%3 == 0 },
	func(x, y int) bool { return (x*y%2+x*y%3)%2 == 0 },
	func(x, y int) bool { return ((x+y)%2+x*y%3)%2 == 0 },
}

func (q *qrCode) applyMask(mask int) {
	f := maskFuncs[mask]
	for y := 0; y < q.size; y++ {
		for x := 0; x < q.size; x++ {
			if !q.fixed[y][x] && f(x, y) {
				q.dark[y][x] = !q.dark[y][x]
			}
		}
	}
}

// penalty scores a masked symbol by the standard's four rules (long runs,
// 2x2 blocks, finder look-alikes, dark/light balance); lower reads better.
func (q *qrCode) penalty() int {
	p := 0
	at := func(x, y int, transpose bool) bool {
		if transpose {
			return q.dark[x][y]
		}
		return q.dark[y][x]
	}
	for _, tr := range []bool{false, true} {
		for y := 0; y < q.size; y++ {
			run := 1
			for x := 1; x <= q.size; x++ {
				if x < q.size && at(x, y, tr) == at(x-1, y, tr) {
					run++
					continue
				}
				if run >= 5 {
					p += 3 + run - 5
				}
				run = 1
			}
			for x := 0; x+7 <= q.size; x++ {
				if finderLike(func(i int) bool { return at(x+i, y, tr) }) {
					light := func(from, to int) bool {
						for i := from; i < to; i++ {
							if i >= 0 && i < q.size && at(i, y, tr) {
								return false
							}
						}
						return true
					}
					if light(x-4, x) || light(x+7, x+11) {
						p += 40
					}
				}
			}
		}
	}
	dark := 0
	for y := 0; y < q.size; y++ {
		for x := 0; x < q.size; x++ {
			if q.dark[y][x] {
				dark++
			}
			if x+1 < q.size && y+1 < q.size {
				c := q.dark[y][x]
				if c == q.dark[y][x+1] && c == q.dark[y+1][x] && c == q.dark[y+1][x+1] {
					p += 3
				}
			}
		}
	}
	total := q.size * q.size
	k := (abs(dark*20-total*10)+total-1)/total - 1
	return p + 10*k
}

// finderLike: dark, light, dark dark dark, light, dark (1:1:3:1:1).
func finderLike(at func(i int) bool) bool {
	want := [7]bool{true, false, true, true, true, false, true}
	for i, w := range want {
		if at(i) != w {
			return false
		}
	}
	return true
}

// qrSVG draws the QR code of text as an SVG image with the standard's
// quiet zone of four modules: one path of unit squares, scaled by the
// viewer.
func qrSVG(text string) (string, error) {
	q, err := encodeQR(text)
	if err != nil {
		return "", err
	}
	const border = 4
	n := q.size + 2*border
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img" aria-label="QR-code">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y := 0; y < q.size; y++ {
		for x := 0; x < q.size; x++ {
			if q.dark[y][x] {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+border, y+border)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}
