"""The module registry: each module declares itself in ready(); the infrastructure reads it."""

import io

import pytest

from django.core.management import call_command

from portal import modules as registry
from portal.modules import MenuEntry, Module, modules
from portal.roles import Role, role_model_permissions
from portal.templatetags.portal_tags import site_menu

pytestmark = pytest.mark.django_db


def test_every_module_registers_itself_from_ready():
    assert [m.label for m in modules()] == ["materials", "research", "events", "training", "publicity"]
    assert {label for m in modules() if m.api for label in [m.label]} == {"materials", "research"}


def test_menu_roles_search_and_api_read_the_registry(client, monkeypatch):
    from search.sources import installed_sources, module_labels, type_labels

    menu = [str(link["title"]) for link in site_menu({})]
    assert menu == ["联席会议", "资料共享", "课题研究", "联合培训"]
    assert "materials.add_material" in role_model_permissions(Role.EDITOR)
    assert {s.label for s in installed_sources()} >= {
        "materials.Material",
        "research.Expert",
        "publicity.Story",
    }
    assert type_labels()["expert"] == "专家" and type_labels()["archive"]
    assert client.get("/api/research/projects/").status_code == 200

    extra = Module(
        label="extra",
        name="附加栏目",
        menu=MenuEntry("search", "附加", order=0),
        role_permissions={Role.TRAINER: ["portal.view_topic"]},
    )
    monkeypatch.setitem(registry._modules, "extra", extra)
    assert [str(link["title"]) for link in site_menu({})][0] == "附加"
    assert "portal.view_topic" in role_model_permissions(Role.TRAINER)
    assert module_labels()["extra"] == "附加栏目"


def test_seed_demo_runs_the_registered_seeders_only(monkeypatch):
    seeded = []
    for module in modules():
        if module.demo_seed:
            monkeypatch.setitem(
                registry._modules,
                module.label,
                Module(
                    label=module.label,
                    name=module.name,
                    demo_seed=lambda label=module.label, **kw: seeded.append(label),
                ),
            )
    call_command("seed_demo", module=["research"], stdout=io.StringIO())
    assert seeded == ["research"]
    call_command("seed_demo", stdout=io.StringIO())
    assert seeded == ["research", "materials", "research", "events", "training", "publicity"]
