"""Scripts the live tests run inside a region's own Django, as real modules that ruff checks.

Each module has a ``main(**params)`` that prints what the test reads back. ``script()`` gives
the line a region's ``manage.py shell -c`` runs; the parameters travel as JSON.
"""

import json


def script(name: str, **params) -> str:
    """Python for ``manage.py shell -c``: run ``tests.support.scripts.<name>.main(**params)``."""
    return (
        f"import json; from tests.support.scripts.{name} import main; "
        f"main(**json.loads({json.dumps(params, ensure_ascii=False)!r}))"
    )
