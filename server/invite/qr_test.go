package invite

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/samenspel/samenspel/server/servertest/apt"
)

// The encoder is checked three ways: known answers from the standard's
// worked examples, a reader written here from the standard (format bits,
// function patterns, zigzag, blocks, Reed-Solomon syndromes, byte mode)
// that must get every text back, and a real decoder (zbarimg) reading a
// rendered image.

func TestReedSolomonKnownAnswer(t *testing.T) {
	// "HELLO WORLD" as 1-M (alphanumeric mode): the standard's data
	// codewords and their ten error correction codewords.
	data := []byte{32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17}
	want := []byte{196, 35, 39, 119, 235, 215, 231, 226, 93, 23}
	if got := rsRemainder(data, rsGenerator(10)); !bytes.Equal(got, want) {
		t.Errorf("ecc=%v, want %v", got, want)
	}
}

func TestFormatAndVersionInfoKnownAnswers(t *testing.T) {
	// The standard's table of format information for level M.
	wantFormat := []int{0b101010000010010, 0b101000100100101, 0b101111001111100, 0b101101101001011,
		0b100010111111001, 0b100000011001110, 0b100111110010111, 0b100101010100000}
	for mask, want := range wantFormat {
		if got := formatInfo(mask); got != want {
			t.Errorf("format info M/%d = %015b, want %015b", mask, got, want)
		}
	}
	// Version information of version 7 is 000111 110010 010100.
	q := newQR(7)
	q.drawVersion()
	var bits int
	for i := 17; i >= 0; i-- {
		bits = bits<<1 | b2i(q.dark[i/3][q.size-11+i%3])
	}
	if got, want := bits, 0b000111110010010100; got != want {
		t.Errorf("version info 7 = %018b, want %018b", got, want)
	}
}

func TestCapacityKnownAnswers(t *testing.T) {
	// Data codewords at level M, from the standard's table.
	for v, want := range map[int]int{1: 16, 2: 28, 4: 64, 5: 86, 7: 124, 10: 216, 20: 669, 40: 2334} {
		if got := dataCodewords(v); got != want {
			t.Errorf("version %d: %d data codewords, want %d", v, got, want)
		}
	}
	for v, want := range map[int][]int{1: nil, 2: {6, 18}, 7: {6, 22, 38}, 14: {6, 26, 46, 66}, 32: {6, 34, 60, 86, 112, 138}, 40: {6, 30, 58, 86, 114, 142, 170}} {
		if got := alignmentPositions(v); !slices.Equal(got, want) {
			t.Errorf("version %d alignment %v, want %v", v, got, want)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestQRRoundTrip(t *testing.T) {
	texts := []string{"", "a", "https://samenspel.example.nl/invite/#abcdefghijklmno.AAAAAAAAAAAAAAAAAAAAAA"}
	for _, n := range []int{13, 14, 26, 60, 84, 120, 154, 200, 213, 214, 400, 1000, 2331} {
		texts = append(texts, strings.Repeat("0123456789abcdef/#.é", n)[:n])
	}
	for _, text := range texts {
		q, err := encodeQR(text)
		if err != nil {
			t.Fatalf("encode %d bytes: %v", len(text), err)
		}
		got, err := readQR(q.dark)
		if err != nil {
			t.Fatalf("read back %d bytes (version %d): %v", len(text), q.version, err)
		}
		if got != text {
			t.Errorf("read back %q, want %q", got, text)
		}
	}
	if _, err := encodeQR(strings.Repeat("x", 2332)); err == nil {
		t.Error("2332 bytes fit, want errTooLong (40-M holds 2331)")
	}
}

// readQR decodes a symbol of level M in byte mode, as a reader would.
func readQR(m [][]bool) (string, error) {
	size := len(m)
	version := (size - 17) / 4
	// Format information, first copy, and which mask it names.
	var bits int
	pos := [][2]int{{8, 0}, {8, 1}, {8, 2}, {8, 3}, {8, 4}, {8, 5}, {8, 7}, {8, 8}, {7, 8}, {5, 8}, {4, 8}, {3, 8}, {2, 8}, {1, 8}, {0, 8}}
	for i := 14; i >= 0; i-- {
		bits = bits<<1 | b2i(m[pos[i][1]][pos[i][0]])
	}
	mask := -1
	for k := 0; k < 8; k++ {
		if formatInfo(k) == bits {
			mask = k
		}
	}
	if mask < 0 {
		return "", fmt.Errorf("format bits %015b are not level M", bits)
	}
	// Which modules are function patterns.
	fn := make([][]bool, size)
	for y := range fn {
		fn[y] = make([]bool, size)
	}
	mark := func(x0, y0, w, h int) {
		for y := y0; y < y0+h; y++ {
			for x := x0; x < x0+w; x++ {
				fn[y][x] = true
			}
		}
	}
	mark(0, 0, 9, 9)
	mark(size-8, 0, 8, 9)
	mark(0, size-8, 9, 8)
	mark(6, 0, 1, size)
	mark(0, 6, size, 1)
	if version >= 7 {
		mark(size-11, 0, 3, 6)
		mark(0, size-11, 6, 3)
	}
	al := alignmentPositions(version)
	for i, cy := range al {
		for j, cx := range al {
			last := len(al) - 1
			if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) {
				continue // under a finder
			}
			mark(cx-2, cy-2, 5, 5)
		}
	}
	// The zigzag, unmasking as we go.
	var stream []bool
	for right, up := size-1, true; right > 0; right, up = right-2, !up {
		if right == 6 {
			right--
		}
		for i := 0; i < size; i++ {
			y := i
			if up {
				y = size - 1 - i
			}
			for _, x := range []int{right, right - 1} {
				if fn[y][x] {
					continue
				}
				stream = append(stream, m[y][x] != maskAt(mask, x, y))
			}
		}
	}
	raw := rawModules(version) / 8
	if len(stream)/8 != raw {
		return "", fmt.Errorf("%d data modules, want %d codewords", len(stream), raw)
	}
	words := make([]byte, raw)
	for i := range words {
		for j := 0; j < 8; j++ {
			words[i] = words[i]<<1 | byte(b2i(stream[8*i+j]))
		}
	}
	// De-interleave, check every block's syndromes, and collect the data.
	nb, ecc := blocksM[version], eccPerBlockM[version]
	short := nb - raw%nb
	dataLen := func(b int) int { return raw/nb - ecc + b2i(b >= short) }
	blocks := make([][]byte, nb)
	k := 0
	for i := 0; i < raw/nb-ecc+1; i++ {
		for b := 0; b < nb; b++ {
			if i < dataLen(b) {
				blocks[b] = append(blocks[b], words[k])
				k++
			}
		}
	}
	for i := 0; i < ecc; i++ {
		for b := 0; b < nb; b++ {
			blocks[b] = append(blocks[b], words[k])
			k++
		}
	}
	var data []byte
	for b, block := range blocks {
		alpha := byte(1)
		for i := 0; i < ecc; i++ {
			var s byte
			for _, c := range block {
				s = gfMul(s, alpha) ^ c
			}
			if s != 0 {
				return "", fmt.Errorf("block %d: syndrome %d is %d", b, i, s)
			}
			alpha = gfMul(alpha, 2)
		}
		data = append(data, block[:dataLen(b)]...)
	}
	// Byte mode: 0100, count, bytes.
	bit := func(i int) int { return int(data[i/8]>>(7-i%8)) & 1 }
	read := func(at, n int) int {
		v := 0
		for i := 0; i < n; i++ {
			v = v<<1 | bit(at+i)
		}
		return v
	}
	if read(0, 4) != 0b0100 {
		return "", fmt.Errorf("mode %04b, want byte mode", read(0, 4))
	}
	countBits := 8
	if version >= 10 {
		countBits = 16
	}
	n := read(4, countBits)
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(read(4+countBits+8*i, 8))
	}
	return string(out), nil
}

func maskAt(mask, x, y int) bool {
	switch mask {
	case 0:
		return (y+x)%2 == 0
	case 1:
		return y%2 == 0
	case 2:
		return x%3 == 0
	case 3:
		return (y+x)%3 == 0
	case 4:
		return (y/2+x/3)%2 == 0
	case 5:
		return (y*x)%2+(y*x)%3 == 0
	case 6:
		return ((y*x)%2+(y*x)%3)%2 == 0
	default:
		return ((y+x)%2+(y*x)%3)%2 == 0
	}
}

// TestQRZbar has a real decoder read the code from a rendered image. It
// needs zbarimg, from Debian's zbar-tools, which it installs when missing.
func TestQRZbar(t *testing.T) {
	zbar := apt.Tool(t, "/usr/bin/zbarimg", "zbar-tools")
	for _, text := range []string{
		"https://samenspel.example.nl/invite/#abcdefghijklmno.AAAAAAAAAAAAAAAAAAAAAA",
		"http://127.0.0.1:41234/invite/#0a1b2c3d4e5f6g7.Zm9vYmFyYmF6cXV4MTIzNA",
		strings.Repeat("https://example.nl/lang/pad/", 9),
	} {
		q, err := encodeQR(text)
		if err != nil {
			t.Fatal(err)
		}
		const scale, border = 6, 4
		n := (q.size + 2*border) * scale
		img := image.NewGray(image.Rect(0, 0, n, n))
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				mx, my := x/scale-border, y/scale-border
				c := color.Gray{255}
				if mx >= 0 && my >= 0 && mx < q.size && my < q.size && q.dark[my][mx] {
					c = color.Gray{0}
				}
				img.SetGray(x, y, c)
			}
		}
		path := filepath.Join(t.TempDir(), "qr.png")
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(zbar, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path).Output()
		if err != nil {
			t.Fatalf("zbarimg (version %d): %v", q.version, err)
		}
		if got := strings.TrimSuffix(string(out), "\n"); got != text {
			t.Errorf("zbarimg read %q, want %q", got, text)
		}
	}
}

func TestQRSVG(t *testing.T) {
	svg, err := qrSVG("https://x.nl/#a") // 15 bytes: version 2
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(svg, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 33 33"`) || !strings.HasSuffix(svg, "</svg>") {
		t.Errorf("svg=%.120s…, want a 25+8 module square", svg)
	}
}
