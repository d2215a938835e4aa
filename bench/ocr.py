"""OCR benchmark: pages per second and character accuracy against known text, on this machine.

    .venv/bin/python bench/ocr.py [--pages 3]

Renders the known Chinese pages of tests/materials/documents.py at 300 dpi (A5, 12 pt,
the CJK font scripts/services.sh installs) as clean, skewed (3°) and noisy (salt and
pepper, grey cast) scans, runs them through the same path as the extract queue
(materials.extraction: deskew, despeckle, binarise, Tesseract chi_sim), and prints the
figures. Goals: ≥ 98% on clean pages, ≥ 90% on noisy ones. Nothing is asserted or timed
as a test; it needs no services.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from materials.extraction import Options  # noqa: E402
from materials.extraction.ocr import ocr_image  # noqa: E402
from tests.materials import documents as docs  # noqa: E402

VARIANTS = {
    "clean": lambda page: page,
    "skewed": docs.skewed,
    "noisy": docs.noisy,
}
GOALS = {"clean": 0.98, "noisy": 0.90}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=len(docs.PAGES), help="known pages per variant (1–3)")
    parser.add_argument("--languages", default="chi_sim")
    arguments = parser.parse_args()
    options = Options(languages=arguments.languages)
    numbers = range(1, min(arguments.pages, len(docs.PAGES)) + 1)
    print(f"OCR benchmark: Tesseract {arguments.languages}, {docs.DPI} dpi, {len(numbers)} pages per variant")
    print(f"{'variant':<8} {'page':>4} {'seconds':>8} {'confidence':>10} {'accuracy':>9}")
    rows, total_seconds = {}, 0.0
    for variant, make in VARIANTS.items():
        for number in numbers:
            image = make(docs.render_page(docs.PAGES[number - 1]))
            started = time.perf_counter()
            text, confidence = ocr_image(image, options=options)
            seconds = time.perf_counter() - started
            total_seconds += seconds
            accuracy = docs.character_accuracy(text, docs.page_text(number))
            rows.setdefault(variant, []).append(accuracy)
            print(f"{variant:<8} {number:>4} {seconds:>8.2f} {confidence or 0:>10.1f} {accuracy:>8.2%}")
    pages = sum(len(v) for v in rows.values())
    print()
    per_page = total_seconds / pages
    print(f"throughput: {pages / total_seconds:.3f} pages/s ({per_page:.2f} s per page, one process)")
    for variant, accuracies in rows.items():
        mean = sum(accuracies) / len(accuracies)
        goal = GOALS.get(variant)
        verdict = "" if goal is None else f"  (goal ≥ {goal:.0%}: {'met' if mean >= goal else 'NOT met'})"
        print(f"accuracy {variant:<7} {mean:.2%}{verdict}")


if __name__ == "__main__":
    main()
