"""Images lose their metadata before they are stored: EXIF (camera, time, and GPS: where a photo was
taken, which can give away where a child is placed), XMP, IPTC and text chunks. The picture is
turned upright first (EXIF orientation) and saved again with its pixels and colour profile only."""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from .content import Refused

_FORMATS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
# Decompression bombs: Pillow refuses images over twice this many pixels.
Image.MAX_IMAGE_PIXELS = 100_000_000


def without_metadata(data: bytes, code: str) -> bytes:
    """The image `data` (of kind `code`) saved again without its metadata."""
    try:
        with Image.open(io.BytesIO(data)) as source:
            source.load()
            if getattr(source, "n_frames", 1) > 1:  # an animation keeps its frames, loses the rest
                return _animation(source, code)
            image = ImageOps.exif_transpose(source) or source
            out = io.BytesIO()
            options = {"icc_profile": source.info.get("icc_profile")} if source.info.get("icc_profile") else {}
            clean = image.copy()
            clean.info = {}
            if code == "jpeg":
                if clean.mode not in ("RGB", "L", "CMYK"):
                    clean = clean.convert("RGB")
                clean.save(out, format="JPEG", quality=92, exif=b"", **options)
            elif code == "gif":
                clean.save(out, format="GIF")
            else:
                clean.save(out, format=_FORMATS[code], exif=b"", **options)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise Refused("This image cannot be read: it may be damaged. Save it again and upload the copy.") from exc


def _animation(source: Image.Image, code: str) -> bytes:
    frames = []
    for index in range(source.n_frames):
        source.seek(index)
        frame = source.copy()
        frame.info = {key: value for key, value in source.info.items() if key in ("duration", "loop", "transparency")}
        frames.append(frame)
    out = io.BytesIO()
    frames[0].save(out, format=_FORMATS[code], save_all=True, append_images=frames[1:], loop=0)
    return out.getvalue()


def metadata_of(data: bytes) -> dict:
    """What metadata an image holds (for tests and checks): EXIF tags, GPS, XMP."""
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        return {
            "exif": dict(exif),
            "gps": dict(exif.get_ifd(0x8825)),
            "xmp": image.info.get("xmp") or image.info.get("XML:com.adobe.xmp"),
        }
