"""What materials shares with the partner region (see sync.registry)."""

from sync.registry import ChildSpec, SyncSpec, register

from .models import Material

register(
    SyncSpec(
        model=Material,
        fields=(
            "title",
            "description",
            "material_type",
            "period",
            "date_from",
            "date_to",
            "collection",
            "deposited_at",
        ),
        m2m=("topics",),
        children=(
            ChildSpec(
                related_name="files",
                parent_field="material",
                key=("version",),
                fields=("version", "original_name", "size", "sha256", "content_type", "uploaded_at"),
                file_field="file",
            ),
        ),
    )
)
