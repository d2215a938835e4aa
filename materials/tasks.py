from celery import shared_task

from .services.extraction import material_file_extract


# Its own queue (<region>.extract, see CELERY_TASK_ROUTES): a long OCR run holds up no upload,
# index or sync task. The child process has its own time limit; the task needs none.
@shared_task(name="materials.extract_file_text", acks_late=True)
def extract_file_text(file_id: int, attempt: int | None = None) -> str | None:
    extraction = material_file_extract(file_id=file_id, attempt=attempt)
    return extraction.status if extraction is not None else None
