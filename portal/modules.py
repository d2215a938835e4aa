"""The collaboration modules, as each declares itself from its AppConfig.ready().

A module (materials, research, events, training, publicity) registers what it brings:
its menu entry, URLs, role permissions, search sources, demo seeder, API router, home panel
and organisation panel.
The infrastructure (the menu, roles, URLs, seed_demo, search, the public API) reads
this registry and never names a module. What a module shares with the partner region
is declared the same way, by its own sync.py (sync.registry), imported from ready().
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MenuLink:
    title: str
    # A named URL, or the one live page of a page model ("app_label.ModelName") where the
    # section is a page editors keep in Wagtail.
    url_name: str = ""
    page_model: str = ""


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    title: str
    # Position in the site menu (the order the agreement lists the modules in).
    order: int
    page_model: str = ""
    # One line on the home page's card for the section.
    summary: str = ""
    # The section's sub-menu: the module's other landing pages.
    children: Sequence[MenuLink] = ()


@dataclass(frozen=True)
class Module:
    label: str
    # The module's name as readers see it (the search page's "栏目" facet).
    name: str
    menu: MenuEntry | None = None
    # The URLconf mounted under the language prefix, e.g. "materials.urls".
    urls: str | None = None
    # Model permissions each role holds in this module, as "app_label.codename".
    role_permissions: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # search.sources.Source instances: what the module contributes to the search index.
    search_sources: Sequence[Any] = ()
    # seed(region=, organisations=, stdout=): the module's demo content (seed_demo).
    demo_seed: Callable[..., None] | None = None
    # (prefix, ninja Router) mounted on the public API at /api/<prefix>.
    api: tuple[str, Any] | None = None
    # A template the home page includes: the module's own panel (its newest items).
    home_panel: str | None = None
    # A template an organisation's page includes, given ``organisation``: that unit's newest items
    # the reader may see, with a link to the module's list filtered by the unit (?organisation=).
    organisation_panel: str | None = None


_modules: dict[str, Module] = {}


def module_register(module: Module) -> Module:
    """For AppConfig.ready(): registering the same label again replaces it (ready() may run twice)."""
    _modules[module.label] = module
    return module


def modules() -> list[Module]:
    """Every registered module, in the order their apps are installed."""
    return list(_modules.values())


def module_get(label: str) -> Module | None:
    return _modules.get(label)


def module_panels(attribute: str) -> list[str]:
    """The panel templates the modules declare under ``attribute`` (home_panel, organisation_panel),
    in the site menu's order."""
    declaring = [m for m in modules() if getattr(m, attribute)]
    return [getattr(m, attribute) for m in sorted(declaring, key=lambda m: m.menu.order if m.menu else 99)]
