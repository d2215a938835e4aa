def seed(*, region: str, organisations: dict, stdout) -> None:
    """Demo content of this module for the region (idempotent)."""
