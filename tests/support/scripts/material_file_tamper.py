"""Overwrite a material's stored file behind the site's back (or put the original back).

Prints the original, in hex.
"""

from materials.models import MaterialFile


def main(*, global_id: str, replacement_hex: str | None = None):
    stored = MaterialFile.objects.get(material__global_id=global_id).file
    stored.open("rb")
    original = stored.read()
    stored.close()
    with open(stored.path, "wb") as handle:
        handle.write(bytes.fromhex(replacement_hex) if replacement_hex is not None else original)
    print(original.hex())
