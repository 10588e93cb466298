package photo

import (
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

// The reference transforms are built from two primitives, a quarter turn
// clockwise and a mirror, not from orientPoint: orientation 6 is a turn,
// 2 a mirror, and the rest combinations of them.
func rotCW(src image.Image) *image.RGBA64 {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dst := image.NewRGBA64(image.Rect(0, 0, h, w))
	for y := range h {
		for x := range w {
			dst.Set(h-1-y, x, src.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return dst
}

func mirror(src image.Image) *image.RGBA64 {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dst := image.NewRGBA64(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			dst.Set(w-1-x, y, src.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return dst
}

func reference(src image.Image, o int) image.Image {
	switch o {
	case 2:
		return mirror(src)
	case 3:
		return rotCW(rotCW(src))
	case 4:
		return mirror(rotCW(rotCW(src)))
	case 5:
		return mirror(rotCW(src))
	case 6:
		return rotCW(src)
	case 7:
		return mirror(rotCW(rotCW(rotCW(src))))
	case 8:
		return rotCW(rotCW(rotCW(src)))
	}
	return src
}

// sameImage compares two images pixel by pixel, as colours.
func sameImage(t *testing.T, got, want image.Image) {
	t.Helper()
	gb, wb := got.Bounds(), want.Bounds()
	if gb.Size() != wb.Size() {
		t.Fatalf("size=%v, want %v", gb.Size(), wb.Size())
	}
	for y := range wb.Dy() {
		for x := range wb.Dx() {
			g := color.RGBA64Model.Convert(got.At(gb.Min.X+x, gb.Min.Y+y))
			w := color.RGBA64Model.Convert(want.At(wb.Min.X+x, wb.Min.Y+y))
			if g != w {
				t.Fatalf("at (%d,%d): %v, want %v", x, y, g, w)
			}
		}
	}
}

// backing returns the address of the last byte of s's backing array:
// the same for two slices exactly when they share it.
func backing(s []byte) *byte { return &s[:cap(s)][cap(s)-1] }

func noise(r *rand.Rand, b []byte) {
	for i := range b {
		b[i] = byte(r.Uint32())
	}
}

// images returns fresh test images of every type orient handles, shaped
// as decoders leave them, and whether orient may rearrange them in place.
func images(seed uint64) map[string]struct {
	img     image.Image
	inPlace bool
} {
	r := rand.New(rand.NewPCG(seed, 1))
	const w, h = 21, 13
	ycc := func(ratio image.YCbCrSubsampleRatio, padW, padH int) *image.YCbCr {
		m := image.NewYCbCr(image.Rect(0, 0, padW, padH), ratio)
		noise(r, m.Y)
		noise(r, m.Cb)
		noise(r, m.Cr)
		return m.SubImage(image.Rect(0, 0, w, h)).(*image.YCbCr)
	}
	gray := image.NewGray(image.Rect(0, 0, 24, 16))
	noise(r, gray.Pix)
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	noise(r, rgba.Pix)
	nrgba := image.NewNRGBA(image.Rect(0, 0, w, h))
	noise(r, nrgba.Pix)
	n64 := image.NewNRGBA64(image.Rect(0, 0, w, h))
	noise(r, n64.Pix)
	g16 := image.NewGray16(image.Rect(0, 0, w, h))
	noise(r, g16.Pix)
	cmyk := image.NewCMYK(image.Rect(0, 0, w, h))
	noise(r, cmyk.Pix)
	pal := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{red, blue, ivory, color.Black})
	for i := range pal.Pix {
		pal.Pix[i] = byte(r.IntN(4))
	}
	return map[string]struct {
		img     image.Image
		inPlace bool
	}{
		"YCbCr 4:2:0 padded": {ycc(image.YCbCrSubsampleRatio420, 32, 16), true},
		"YCbCr 4:2:2 padded": {ycc(image.YCbCrSubsampleRatio422, 32, 16), true},
		"YCbCr 4:4:0 padded": {ycc(image.YCbCrSubsampleRatio440, 24, 16), true},
		"YCbCr 4:4:4 padded": {ycc(image.YCbCrSubsampleRatio444, 24, 16), true},
		"YCbCr 4:1:1 padded": {ycc(image.YCbCrSubsampleRatio411, 32, 16), false}, // in place only when flipped
		"YCbCr 4:2:0 odd":    {ycc(image.YCbCrSubsampleRatio420, w, h), false},
		"Gray padded":        {gray.SubImage(image.Rect(0, 0, w, h)), true},
		"RGBA":               {rgba, true},
		"NRGBA":              {nrgba, true},
		"NRGBA64":            {n64, true},
		"Gray16":             {g16, true},
		"CMYK":               {cmyk, true},
		"Paletted":           {pal, true},
		"RGBA sub-image":     {rgba.SubImage(image.Rect(1, 1, w, h)), false},
	}
}

func TestOrientMatchesReference(t *testing.T) {
	t.Parallel()
	for o := 1; o <= 8; o++ {
		for name, tc := range images(uint64(o)) {
			want := reference(tc.img, o)
			got := orient(tc.img, o)
			t.Run(name, func(t *testing.T) { sameImage(t, got, want) })
		}
	}
}

func TestOrientWorksInPlace(t *testing.T) {
	t.Parallel()
	for _, o := range []int{3, 6} {
		for name, tc := range images(7) {
			if !tc.inPlace {
				continue
			}
			var before, after *byte
			switch m := tc.img.(type) {
			case *image.YCbCr:
				before = backing(m.Y)
				after = backing(orient(m, o).(*image.YCbCr).Y)
			case *image.Gray:
				before = backing(m.Pix)
				after = backing(orient(m, o).(*image.Gray).Pix)
			case *image.RGBA:
				before = backing(m.Pix)
				after = backing(orient(m, o).(*image.RGBA).Pix)
			default:
				continue
			}
			if before != after {
				t.Errorf("%s, orientation %d: pixels copied, want moved in place", name, o)
			}
		}
	}
}

func TestTransposeInPlace(t *testing.T) {
	t.Parallel()
	for _, dims := range [][2]int{{1, 1}, {1, 7}, {7, 1}, {2, 3}, {3, 2}, {64, 65}, {130, 3}, {16, 16}} {
		for _, elem := range []int{1, 2, 4, 8} {
			rows, cols := dims[0], dims[1]
			pix := make([]byte, rows*cols*elem)
			noise(rand.New(rand.NewPCG(uint64(rows), uint64(cols))), pix)
			orig := append([]byte{}, pix...)
			transposeInPlace(pix, rows, cols, elem)
			for r := range rows {
				for c := range cols {
					src := orig[(r*cols+c)*elem:][:elem]
					dst := pix[(c*rows+r)*elem:][:elem]
					if string(src) != string(dst) {
						t.Fatalf("%dx%d elem %d: cell (%d,%d) misplaced", rows, cols, elem, r, c)
					}
				}
			}
		}
	}
}
