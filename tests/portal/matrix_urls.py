"""The URLs the apps expose, enumerated from the resolver, and the matrix case of each.

An organisation's admin views (snippet viewsets and choosers) are derived per model and action;
every other URL must have its own entry in ``matrix_cases.MATRIX``.
"""

from django.urls import URLResolver, get_resolver, reverse

from wagtail.admin.viewsets import viewsets as admin_viewsets

from .matrix_cases import MATRIX, WAGTAIL_PATHS, Case, const, path, rec, title, with_query

PROJECT_APPS = ("portal", "materials", "research", "events", "training", "publicity", "search", "sync")

# An organisation's admin views, per snippet model: what the records are, and how each action behaves.
SNIPPETS = {
    "materials_material": "material",
    "research_project": "project",
    "research_expert": "expert",
    "events_event": "event",
    "training_course": "course",
    "research_milestone": "milestone",
    "research_projectoutput": "output",
    "research_projectmember": "member",
    "training_session": "session",
}
# Shared vocabularies and registers that belong to no organisation's access level.
VOCABULARIES = {"portal_topic", "publicity_section", "publicity_bulletinissue"}
SNIPPET_ACTIONS = {
    "list": "admin_listing",
    "list_results": "admin_listing",
    "add": "form",
    "edit": "admin_record",
    "delete": "admin_record",
    "usage": "admin_record",
    "history": "admin_record",
    "history_results": "admin_record",
    "copy": "admin_record",
}
CHOOSER_ACTIONS = {
    "choose": "chooser",
    "choose_results": "chooser",
    "chosen": "chooser_record",
    "chosen_multiple": "chooser",
    "create": "form",
}


def snippet_case(model_key: str, action: str, *, chooser: bool) -> Case:
    namespace = f"wagtailsnippet{'choosers' if chooser else 's'}_{model_key}:{action}"
    kind = SNIPPETS.get(model_key)
    check = (CHOOSER_ACTIONS if chooser else SNIPPET_ACTIONS)[action]
    if model_key in VOCABULARIES:
        return Case("form", lambda w, lv: w.extra["vocabulary_url"](namespace, action), leveled=False)
    if model_key == "portal_organisation":
        org = lambda w, lv: w.owner.pk  # noqa: E731
        marker = const("矩阵成都市委党史研究室")
        if action in ("list", "list_results", "choose", "choose_results"):
            return Case("form" if chooser else "org_listing", path(namespace), marker, leveled=False)
        if action in ("add", "create", "chosen_multiple"):
            return Case("form", path(namespace), leveled=False)
        if action == "chosen":
            return Case("form", path(namespace, org), leveled=False)
        # Adding, copying or deleting an organisation is for superusers; its administrator edits it.
        check = "admin_record" if action not in ("copy", "delete") else "superuser_only"
        return Case(check, path(namespace, org), marker, leveled=False)
    marker = title(kind)
    scoped = kind in ("milestone", "output", "member", "session")
    if action in ("add", "create"):
        return Case("form", path(namespace), leveled=False)
    if action in ("list", "list_results"):
        return Case(check, with_query(path(namespace), "?q=矩阵"), marker, owner_scoped=scoped)
    if action in ("choose", "choose_results"):
        return Case(check, path(namespace), marker, owner_scoped=scoped)
    if action == "chosen_multiple":
        chosen = lambda w, lv: reverse(namespace) + f"?id={w.records[kind][lv].pk}"  # noqa: E731
        return Case(check, chosen, marker, owner_scoped=scoped)
    return Case(check, path(namespace, rec(kind)), marker, owner_scoped=scoped)


# --- enumeration -----------------------------------------------------------------------


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, inner)
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            view_class = getattr(pattern.callback, "view_class", None)
            module = (view_class or pattern.callback).__module__ or ""
            yield name or str(pattern.pattern), namespace, module


def project_viewset_namespaces() -> set[str]:
    return {
        viewset.name
        for viewset in admin_viewsets.viewsets
        if getattr(getattr(viewset, "model", None), "_meta", None) is not None
        and viewset.model._meta.app_label in PROJECT_APPS
    }


def enumerated_urls() -> set[str]:
    """Every URL name the apps expose: their own views, their API and their admin viewsets."""
    own_viewsets = project_viewset_namespaces()
    names = set()
    for name, namespace, module in _walk(get_resolver().url_patterns):
        root = (namespace or "").split(":")[0]
        if (
            module.split(".")[0] in PROJECT_APPS
            or root == "portal_api"
            or root in own_viewsets
            or any(
                root.startswith(f"wagtailsnippet{kind}_{app}_")
                for kind in ("s", "choosers")
                for app in PROJECT_APPS
            )
        ):
            names.add(name)
    return names


def matrix() -> dict[str, Case]:
    cases = dict(MATRIX)
    for name in enumerated_urls():
        namespace, _sep, action = name.partition(":")
        for kind, chooser in (("wagtailsnippets_", False), ("wagtailsnippetchoosers_", True)):
            if namespace.startswith(kind) and name not in cases:
                model_key = namespace.removeprefix(kind)
                actions = CHOOSER_ACTIONS if chooser else SNIPPET_ACTIONS
                if (
                    model_key in SNIPPETS or model_key in VOCABULARIES or model_key == "portal_organisation"
                ) and (action in actions):
                    cases[name] = snippet_case(model_key, action, chooser=chooser)
    # Admin viewsets are listed by namespace: each of their URLs is covered by the entry.
    for name in enumerated_urls():
        root = name.split(":")[0]
        if root in MATRIX and name not in cases:
            cases[name] = MATRIX[root]
    return cases


CASES = {**matrix(), **WAGTAIL_PATHS}
