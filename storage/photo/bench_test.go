package photo

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
)

// BenchmarkClean cleans a 12 MP phone photo (4000×3000, quality 90, 4:2:0,
// about 3 MB, with EXIF and GPS) upright, which streams it, and with
// orientation 6, which decodes it, turns it in place and re-encodes it.
// Run it on one core:
//
//	go test -run '^$' -bench BenchmarkClean -benchtime 20x -cpu 1 ./storage/photo
//
// photos/s is per core when the machine is otherwise idle; photos/cpu-s
// counts the CPU time the process used, so it holds on a shared machine
// too. MB/s counts input bytes, B/op is what one Clean allocates.
func BenchmarkClean(b *testing.B) {
	for _, o := range []int{1, 6} {
		name := map[int]string{1: "orientation-1-stream", 6: "orientation-6-rotate"}[o]
		b.Run(name, func(b *testing.B) {
			in := withSegments(benchPhoto(), exifSegment(buildTIFF(binary.BigEndian, o, true)), xmpSegment())
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				if _, err := Clean(io.Discard, bytes.NewReader(in)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "photos/s")
			if cpu := cpuTime() - cpu; cpu > 0 {
				b.ReportMetric(float64(b.N)/cpu.Seconds(), "photos/cpu-s")
			}
			b.ReportMetric(float64(len(in))/(1<<20), "MiB/photo")
		})
	}
}

var benchPhoto = sync.OnceValue(func() []byte {
	// A photo-like picture: smooth light and colour with sensor noise.
	const w, h = 4000, 3000
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	r := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			v := 60 + 120*x/w + 40*y/h + r.IntN(24)
			img.Y[y*img.YStride+x] = byte(v)
		}
	}
	for y := range h / 2 {
		for x := range w / 2 {
			img.Cb[y*img.CStride+x] = byte(100 + 50*x/(w/2) + r.IntN(6))
			img.Cr[y*img.CStride+x] = byte(150 - 40*y/(h/2) + r.IntN(6))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return buf.Bytes()
})
