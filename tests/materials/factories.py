import factory
from factory.django import DjangoModelFactory

from materials.models import Material


class MaterialFactory(DjangoModelFactory):
    class Meta:
        model = Material

    title = factory.Sequence(lambda n: f"党史资料{n}")
    material_type = "archive"
    period = "new_democratic"
    access_level = "public"


# Smallest byte strings that each format's detection accepts.
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
PE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
SHELL = b"#!/bin/sh\nrm -rf --no-preserve-root /\n"
