package photo

import (
	"image"
)

// orient returns img as EXIF orientation o (1–8) says it is displayed:
// orientation o's transform applied to the stored pixels.
//
// It works in place: the decoded image is the one full copy of the
// picture in memory, and orient moves its pixels within the same slices
// and returns a header over them with new strides and bounds (img must not
// be used afterwards). A decoder pads its planes to whole blocks; the
// whole padded plane is transformed, so subsampled chroma stays aligned
// with luma, and the result is the sub-image that was visible. Layouts
// this cannot handle in place (4:1:1 chroma turned sideways, images that
// are sub-images of something larger) fall back to a transformed copy.
func orient(img image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return img
	}
	switch m := img.(type) {
	case *image.YCbCr:
		if r, ok := orientYCbCr(m, o); ok {
			return r
		}
	case *image.Gray:
		return orientPlane(img, m.Pix, m.Stride, 1, o, func(pix []byte, stride int, r image.Rectangle) subImager {
			return &image.Gray{Pix: pix, Stride: stride, Rect: r}
		})
	case *image.Gray16:
		return orientPlane(img, m.Pix, m.Stride, 2, o, func(pix []byte, stride int, r image.Rectangle) subImager {
			return &image.Gray16{Pix: pix, Stride: stride, Rect: r}
		})
	case *image.RGBA:
		return orientPlane(img, m.Pix, m.Stride, 4, o, func(pix []byte, stride int, r image.Rectangle) subImager {
			return &image.RGBA{Pix: pix, Stride: stride, Rect: r}
		})
	case *image.NRGBA:
		return orientPlane(img, m.Pix, m.Stride, 4, o, func(pix []byte, stride int, r image.Rectangle) subImager {
			return &image.NRGBA{Pix: pix, Stride: stride, Rect: r}
		})
	case *image.RGBA64:
		return orientPlane(img, m.Pix, m.Stride, 8, o, func(pix []byte, stride int, r image.Rectangle) subImager {
			return &image.RGBA64{Pix: pix, Stride: stride, Rect: r}
		})
	case *image.NRGBA64:
		return orientPlane(img, m.Pix, m.Stride, 8, o, func(pix []byte, stride int, r image.Rectangle) subImager {
			return &image.NRGBA64{Pix: pix, Stride: stride, Rect: r}
		})
	case *image.CMYK:
		return orientPlane(img, m.Pix, m.Stride, 4, o, func(pix []byte, stride int, r image.Rectangle) subImager {
			return &image.CMYK{Pix: pix, Stride: stride, Rect: r}
		})
	case *image.Paletted:
		return orientPlane(img, m.Pix, m.Stride, 1, o, func(pix []byte, stride int, r image.Rectangle) subImager {
			return &image.Paletted{Pix: pix, Stride: stride, Rect: r, Palette: m.Palette}
		})
	}
	return orientCopy(img, o)
}

// subImager is what every image type in the image package offers besides
// image.Image; orientPlane needs it to cut the visible picture out of a
// transformed plane.
type subImager interface {
	SubImage(r image.Rectangle) image.Image
}

// orientPlane transforms in place an image whose pixels are one plane of
// elem bytes a pixel (pix, with stride, as img holds them; img's bounds
// are its Rect). The image types differ only in their Go type, so header
// builds that type over the transformed plane, which orientPlane then
// cuts down to the part that was visible. An image whose plane cannot be
// transformed in place gets a transformed copy instead.
func orientPlane(img image.Image, pix []byte, stride, elem, o int, header func(pix []byte, stride int, r image.Rectangle) subImager) image.Image {
	r := img.Bounds()
	p, ok := planeOf(pix, stride, elem, r)
	if !ok {
		return orientCopy(img, o)
	}
	p.transform(o)
	full := header(p.pix, elem*p.w, image.Rect(0, 0, p.w, p.h))
	return full.SubImage(orientRect(r, p.padW, p.padH, o))
}

// orientYCbCr transforms the three planes of m in place. Turning it
// sideways swaps the subsampling: 4:2:2 becomes 4:4:0 and back.
func orientYCbCr(m *image.YCbCr, o int) (image.Image, bool) {
	sx, sy := 1, 1
	ratio := m.SubsampleRatio
	switch ratio {
	case image.YCbCrSubsampleRatio422:
		sx = 2
	case image.YCbCrSubsampleRatio420:
		sx, sy = 2, 2
	case image.YCbCrSubsampleRatio440:
		sy = 2
	case image.YCbCrSubsampleRatio411:
		sx = 4
	case image.YCbCrSubsampleRatio410:
		sx, sy = 4, 2
	}
	if o >= 5 {
		switch ratio {
		case image.YCbCrSubsampleRatio422:
			ratio = image.YCbCrSubsampleRatio440
		case image.YCbCrSubsampleRatio440:
			ratio = image.YCbCrSubsampleRatio422
		case image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410:
			return nil, false
		}
	}
	y, ok := planeOf(m.Y, m.YStride, 1, m.Rect)
	if !ok || m.CStride <= 0 {
		return nil, false
	}
	crect := image.Rect(0, 0, y.w/sx, y.h/sy)
	cb, ok1 := planeOf(m.Cb, m.CStride, 1, crect)
	cr, ok2 := planeOf(m.Cr, m.CStride, 1, crect)
	if !ok1 || !ok2 || cb.w*sx != y.w || cb.h*sy != y.h || cr.h != cb.h {
		return nil, false
	}
	y.transform(o)
	cb.transform(o)
	cr.transform(o)
	full := &image.YCbCr{
		Y: y.pix, Cb: cb.pix, Cr: cr.pix,
		YStride: y.w, CStride: cb.w,
		SubsampleRatio: ratio,
		Rect:           image.Rect(0, 0, y.w, y.h),
	}
	return full.SubImage(orientRect(m.Rect, y.padW, y.padH, o)), true
}

// orientRect is where the visible rectangle r, at the origin of a padded
// plane of padW×padH, lies once the plane is transformed.
func orientRect(r image.Rectangle, padW, padH, o int) image.Rectangle {
	w, h := r.Dx(), r.Dy()
	switch o {
	case 2:
		return image.Rect(padW-w, 0, padW, h)
	case 3:
		return image.Rect(padW-w, padH-h, padW, padH)
	case 4:
		return image.Rect(0, padH-h, w, padH)
	case 5:
		return image.Rect(0, 0, h, w)
	case 6:
		return image.Rect(padH-h, 0, padH, w)
	case 7:
		return image.Rect(padH-h, padW-w, padH, padW)
	case 8:
		return image.Rect(0, padW-w, h, padW)
	}
	return r
}

// orientPoint is where orientation o puts the stored pixel (x, y) of a
// w×h picture, in the displayed w×h or h×w one.
func orientPoint(o, x, y, w, h int) (int, int) {
	switch o {
	case 2:
		return w - 1 - x, y
	case 3:
		return w - 1 - x, h - 1 - y
	case 4:
		return x, h - 1 - y
	case 5:
		return y, x
	case 6:
		return h - 1 - y, x
	case 7:
		return h - 1 - y, w - 1 - x
	case 8:
		return y, w - 1 - x
	}
	return x, y
}

// orientCopy is the fallback: a transformed 16-bit copy, slow and twice
// the memory, for layouts orient cannot rearrange in place.
func orientCopy(img image.Image, o int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	ow, oh := w, h
	if o >= 5 {
		ow, oh = h, w
	}
	dst := image.NewRGBA64(image.Rect(0, 0, ow, oh))
	for y := range h {
		for x := range w {
			dx, dy := orientPoint(o, x, y, w, h)
			dst.Set(dx, dy, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return dst
}
