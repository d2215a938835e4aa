from functools import wraps

from .models import Event
from .services import audit_record


def audited_export(view):
    """Log each export the view answers (the refused ones are logged as refusals)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            audit_record(
                event=Event.EXPORT,
                request=request,
                target=request.path,
                details={"content_type": response.get("Content-Type", "")},
            )
        return response

    return wrapper
