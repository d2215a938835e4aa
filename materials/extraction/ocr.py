"""OCR of one page image: cleaned up, deskewed and read by Tesseract (no Django here either)."""

import contextlib
import os
import shutil
import subprocess
import tempfile

from . import _SPACE_IN_CJK, Options, OverLimit, Unreadable


def _otsu(histogram: list[int]) -> int:
    total = sum(histogram)
    weighted = sum(i * h for i, h in enumerate(histogram))
    best, threshold, background, background_sum = 0.0, 127, 0, 0.0
    for level in range(256):
        background += histogram[level]
        if not background or background == total:
            continue
        background_sum += level * histogram[level]
        foreground = total - background
        mean_b = background_sum / background
        mean_f = (weighted - background_sum) / foreground
        between = background * foreground * (mean_b - mean_f) ** 2
        if between > best:
            best, threshold = between, level
    return threshold


def _skew_angle(binary) -> float:
    """The rotation that lines the text up: the angle whose row profile is the most uneven.

    Lines of text are dark rows with light gaps between them; turned to the right
    angle, the rows' ink varies most. Measured on a small copy, in two passes.
    """
    from PIL import Image

    small = binary.convert("L")
    scale = 500 / max(small.size)
    if scale < 1:
        small = small.resize((max(1, int(small.width * scale)), max(1, int(small.height * scale))))
    ink = small.point(lambda v: 255 - v)  # ink bright, paper black: rotation fills with black

    def spread(angle: float) -> float:
        turned = ink.rotate(angle, resample=Image.NEAREST, expand=False)
        rows = turned.resize((1, turned.height), Image.BOX).tobytes()  # one grey byte per row
        mean = sum(rows) / len(rows)
        return sum((r - mean) ** 2 for r in rows)

    coarse = max(range(-8, 9), key=spread)
    return max((coarse + a / 10 for a in range(-6, 7)), key=spread)


def prepare_for_ocr(image):
    """Grey, despeckled, upright and black on white: what Tesseract reads best."""
    from PIL import Image, ImageFilter, ImageOps

    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(background, image)
    grey = image.convert("L")
    # A median filter takes away salt-and-pepper noise and keeps the strokes.
    grey = grey.filter(ImageFilter.MedianFilter(3))
    threshold = _otsu(grey.histogram())
    binary = grey.point(lambda v: 255 if v > threshold else 0)
    angle = _skew_angle(binary)
    if abs(angle) >= 0.2:
        grey = grey.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
        binary = grey.point(lambda v: 255 if v > threshold else 0)
    return binary.convert("L")


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def _tesseract(path: str, *, languages: str, psm: int, timeout: float) -> tuple[str, float | None]:
    with tempfile.TemporaryDirectory(prefix="ocr-") as folder:
        base = os.path.join(folder, "out")
        try:
            done = subprocess.run(
                ["tesseract", path, base, "-l", languages, "--psm", str(psm),
                 "-c", "preserve_interword_spaces=1", "txt", "tsv"],
                capture_output=True, timeout=timeout, check=False,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            )  # fmt: skip
        except subprocess.TimeoutExpired as error:
            raise OverLimit("time") from error
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise Unreadable("ocr_failed", message[-1] if message else f"tesseract exit {done.returncode}")
        with open(base + ".txt", encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        confidences = []
        with open(base + ".tsv", encoding="utf-8", errors="replace") as handle:
            for line in handle.readlines()[1:]:
                cells = line.rstrip("\n").split("\t")
                if len(cells) >= 12 and cells[0] == "5" and cells[11].strip():
                    with contextlib.suppress(ValueError):
                        if (value := float(cells[10])) >= 0:
                            confidences.append(value)
    confidence = round(sum(confidences) / len(confidences), 1) if confidences else None
    return clean_ocr_text(text), confidence


def clean_ocr_text(text: str) -> str:
    """Tesseract puts spaces between Chinese characters; Chinese has none."""
    lines = [_SPACE_IN_CJK.sub("", line).strip() for line in text.replace("\f", "").splitlines()]
    return "\n".join(line for line in lines if line)


def vertical_available() -> bool:
    folders = [os.environ.get("TESSDATA_PREFIX", ""), "/usr/share/tesseract-ocr/5/tessdata",
               "/usr/share/tesseract-ocr/4.00/tessdata"]  # fmt: skip
    return any(os.path.exists(os.path.join(f, "chi_sim_vert.traineddata")) for f in folders if f)


def ocr_image(image, *, options: Options) -> tuple[str, float | None]:
    if not tesseract_available():
        raise Unreadable("ocr_missing", "tesseract")
    prepared = prepare_for_ocr(image)
    with tempfile.NamedTemporaryFile(suffix=".png") as handle:
        prepared.save(handle, format="PNG")
        handle.flush()
        text, confidence = _tesseract(
            handle.name, languages=options.languages, psm=3, timeout=options.remaining()
        )
        # Little read, or read badly: the page may be set vertically (竖排), right to left.
        doubtful = confidence is None or confidence < 60
        if doubtful and "chi_sim" in options.languages and vertical_available():
            vertical, vertical_confidence = _tesseract(
                handle.name, languages="chi_sim_vert", psm=5, timeout=options.remaining()
            )
            if vertical_confidence is not None and vertical_confidence > (confidence or 0) + 10:
                return vertical, vertical_confidence
    return text, confidence
