package photo

import (
	"bytes"
	"encoding/binary"
	"go/build"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

// The standard library's JPEG test images come from other encoders
// (libjpeg): progressive, restart markers, CMYK, RGB, greyscale, and
// every chroma subsampling including 4:1:1 and 4:1:0. Each one, with
// EXIF put in, is cleaned upright (the decoded pixels must not change)
// and turned (the output must match the turned input within the loss of
// one re-encode). Every input is checked: one the standard library cannot
// decode gives no reference to compare with, and fails the test.
func TestCleanStandardLibraryJPEGs(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(build.Default.GOROOT, "src", "image", "testdata")
	files, err := filepath.Glob(filepath.Join(dir, "*.jpeg"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no JPEGs in %s: this Go installation lacks its source tree", dir)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			checkStandardLibraryJPEG(t, file)
		})
	}
}

// checkStandardLibraryJPEG cleans one of the standard library's JPEGs with
// each orientation and compares the result with the decoded input.
func checkStandardLibraryJPEG(t *testing.T, file string) {
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// Go 1.26 decodes even video-001.progressive.truncated.jpeg (as far as
	// it goes); an input without a reference cannot be checked.
	want, err := jpeg.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the standard library cannot decode the input, so there is nothing to compare with: %v", err)
	}
	for _, o := range []int{1, 3, 6, 7} {
		in := withSegments(raw, exifSegment(buildTIFF(binary.BigEndian, o, true)), segment(mCOM, []byte(secretComment)))
		out, res := mustClean(t, in)
		forbidden(t, out, metadataNeedles(binary.BigEndian))
		got, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("orientation %d: %v", o, err)
		}
		if o == 1 {
			sameImage(t, got, want)
			continue
		}
		if !res.Rotated {
			t.Errorf("orientation %d: not rotated", o)
		}
		// Re-encoding alone costs up to 5.5 (the RGB image loses its
		// full-resolution chroma to 4:2:0); a misplaced pixel costs far more.
		if d := meanDiff(t, got, reference(want, o)); d > 8 {
			t.Errorf("orientation %d: mean difference %.1f per channel", o, d)
		}
	}
}

// meanDiff is the mean absolute difference of two same-sized images, per
// 8-bit channel.
func meanDiff(t *testing.T, a, b image.Image) float64 {
	t.Helper()
	ab, bb := a.Bounds(), b.Bounds()
	if ab.Size() != bb.Size() {
		t.Fatalf("size %v, want %v", ab.Size(), bb.Size())
	}
	var sum, n int
	for y := range ab.Dy() {
		for x := range ab.Dx() {
			p := color.RGBAModel.Convert(a.At(ab.Min.X+x, ab.Min.Y+y)).(color.RGBA)
			q := color.RGBAModel.Convert(b.At(bb.Min.X+x, bb.Min.Y+y)).(color.RGBA)
			sum += abs(int(p.R)-int(q.R)) + abs(int(p.G)-int(q.G)) + abs(int(p.B)-int(q.B))
			n += 3
		}
	}
	return float64(sum) / float64(n)
}
