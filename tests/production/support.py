"""What the production smoke tests share: the hosts nginx serves, readers, scripts run at a region."""

import requests

from tests.support.scripts import script

HOSTS = {"sichuan": "127.0.0.1", "chongqing": "127.0.0.2"}


def shell_lines(region, *scripts: str) -> list[str]:
    """Run the scripts (``tests.support.scripts.script``) in one shell of the region; its printed lines."""
    return [line for line in region.shell("\n".join(scripts)).splitlines() if line.strip()]


def session_for(username: str) -> str:
    """The script printing a signed-in session key for the user."""
    return script("session_for", username=username)


def browser(production, session_key: str | None = None) -> requests.Session:
    """A reader of its own (own cookies), signed in when given a session key."""
    session = requests.Session()
    session.verify, session.trust_env = production.session.verify, False
    if session_key:
        session.cookies.set("sessionid", session_key)
    return session


def stored_files(root) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


class FromAddress(requests.adapters.HTTPAdapter):
    """Connects from the given local address: a reader who is neither nginx nor the host itself."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)
