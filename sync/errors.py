class SyncError(Exception):
    pass


class ChangeRefused(SyncError):
    """A partner's change that fails validation: quarantined with its reason, never applied.

    ``reason`` is a short code (shown and counted), ``detail`` says which field and why.
    """

    def __init__(self, reason: str, detail: str = ""):
        self.reason, self.detail = reason, detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


class FileCheckFailed(ChangeRefused):
    pass
