"""What materials shares with the partner region (see sync.registry)."""

from sync import kinds
from sync.registry import ChildSpec, SyncSpec, register

from .models import Material

register(
    SyncSpec(
        model=Material,
        fields={
            "title": kinds.Text(),
            "description": kinds.Text(),
            "material_type": kinds.Choice(),
            "period": kinds.Choice(),
            "date_from": kinds.Date(),
            "date_to": kinds.Date(),
            "collection": kinds.Text(),
            "deposited_at": kinds.DateTime(),
        },
        m2m={"topics": kinds.Topic()},
        children=(
            ChildSpec(
                related_name="files",
                parent_field="material",
                key=("version",),
                fields={
                    "version": kinds.Integer(),
                    "original_name": kinds.FileName(),
                    "size": kinds.FileSize(),
                    "sha256": kinds.Sha256(),
                    "content_type": kinds.MimeType(),
                    "uploaded_at": kinds.DateTime(),
                },
                file_field="file",
            ),
        ),
    )
)
