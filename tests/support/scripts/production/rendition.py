"""An uploaded image and a rendition of it; print the rendition's address."""

import io

from PIL import Image as PILImage

from django.core.files.images import ImageFile

from wagtail.images.models import Image


def main():
    buffer = io.BytesIO()
    PILImage.new("RGB", (400, 300), (200, 30, 30)).save(buffer, "PNG")
    image = Image(title="红岩村", file=ImageFile(buffer, name="hongyan.png"))
    image.save()
    print(image.get_rendition("width-200").url)
