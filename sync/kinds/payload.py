"""A partner's record checked field by field against its spec's kinds, before anything is applied."""

from .base import Context, refuse
from .values import FileSize, Sha256

# ---- the record ---------------------------------------------------------------------------------


def _model_field(model, name):
    return model._meta.get_field(name)


def _values_clean(model, kinds: dict, values, context: Context) -> dict:
    if not isinstance(values, dict):
        refuse("bad_value", context.where, "an object expected")
    return {
        name: kind.clean(values[name], _model_field(model, name), context.at(name))
        for name, kind in kinds.items()
        if name in values
    }


def _checks_hold(model, fields: dict, where: str) -> None:
    """The model's check constraints on what the partner sent (coordinates both or neither, …):
    refused here with the rule's name, rather than failing at the database."""
    from django.core.exceptions import ValidationError
    from django.db.models import CheckConstraint

    for constraint in model._meta.constraints:
        if not isinstance(constraint, CheckConstraint):
            continue
        names = constraint.condition.referenced_base_fields
        if not names <= fields.keys():
            continue  # a partner that does not send these fields leaves them as they are
        if any(model._meta.get_field(name).is_relation for name in names):
            continue  # related records travel as codes or global ids: the database checks those
        instance = model()
        try:
            for name in names:
                setattr(instance, name, model._meta.get_field(name).to_python(fields[name]))
            others = {field.name for field in model._meta.concrete_fields} - names
            constraint.validate(model, instance, exclude=others)
        except ValidationError:
            refuse("bad_value", where, f"breaks the rule {constraint.name}")


def payload_clean(spec, payload, *, sender: str, global_id: str, notes: list | None = None) -> dict:
    """The partner's record checked field by field; ChangeRefused if anything is outside policy.

    What was neutralised instead (HTML cleaned) is added to ``notes``.
    """
    from portal.models import AccessLevel

    from ..context import organisation_by_code

    context = Context(sender=sender, where=spec.label, notes=notes if notes is not None else [])
    if not isinstance(payload, dict):
        refuse("bad_value", spec.label, "no record")
    if str(payload.get("global_id")) != str(global_id):
        refuse("bad_value", spec.label, "the record's global id is not the change's")
    if payload.get("origin_region") != sender:
        refuse(
            "forged_origin",
            spec.label,
            f"origin region {str(payload.get('origin_region'))[:20]!r} is not {sender}",
        )
    code = payload.get("origin_organisation")
    organisation = organisation_by_code(code) if isinstance(code, str) else None
    if organisation is None:
        refuse(
            "unknown_organisation", f"{spec.label}.origin_organisation", f"no organisation {str(code)[:40]!r}"
        )
    if organisation.region != sender:
        refuse(
            "forged_origin", f"{spec.label}.origin_organisation", f"{code} is not an organisation of {sender}"
        )
    if payload.get("access_level") not in (AccessLevel.PUBLIC, AccessLevel.PARTNERS):
        refuse("bad_value", f"{spec.label}.access_level", "not a shared access level")
    version = payload.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        refuse("bad_value", f"{spec.label}.version", "a positive version expected")
    cleaned = {
        "global_id": str(global_id),
        "origin_region": sender,
        "origin_organisation": code,
        "version": version,
        "access_level": payload["access_level"],
        "fields": _values_clean(spec.model, spec.fields, payload.get("fields") or {}, context),
        "m2m": _values_clean(spec.model, spec.m2m, payload.get("m2m") or {}, context),
        "children": {},
    }
    _checks_hold(spec.model, cleaned["fields"], spec.label)
    children = payload.get("children") or {}
    if not isinstance(children, dict):
        refuse("bad_value", spec.label, "children: an object expected")
    for child in spec.children:
        rows = children.get(child.related_name, [])
        if not isinstance(rows, list):
            refuse("bad_value", f"{spec.label}.{child.related_name}", "a list expected")
        child_model = getattr(spec.model, child.related_name).rel.related_model
        child_context = context.at(child.related_name)
        cleaned_rows = []
        for row in rows:
            item = _values_clean(child_model, child.fields, row, child_context)
            if child.file_field:
                wanted = row.get("_file")
                if wanted is not None:
                    if not isinstance(wanted, dict):
                        refuse("bad_value", child_context.where, "a file reference expected")
                    item["_file"] = {
                        "sha256": Sha256().clean(wanted.get("sha256"), None, child_context.at("sha256")),
                        "size": FileSize().clean(
                            wanted.get("size"), _model_field(child_model, "size"), child_context.at("size")
                        ),
                    }
                else:
                    item["_file"] = None
            cleaned_rows.append(item)
        cleaned["children"][child.related_name] = cleaned_rows
    return cleaned
