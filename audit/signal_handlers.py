"""Changes to accounts, groups, roles and organisations, sign-ins and refused sync requests, into the log."""

from django.apps import apps
from django.contrib.auth import get_user_model, user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save

from .models import Event, Outcome
from .services import audit_record

USER_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser")
ORGANISATION_FIELDS = ("code", "name", "short_name", "region", "level", "parent_id")


def _snapshot(instance, fields):
    return {field: getattr(instance, field) for field in fields}


def _changed(sender, instance, fields) -> list[str]:
    before = getattr(instance, "_audit_before", None)
    if before is None:
        return list(fields)
    return [field for field in fields if before.get(field) != getattr(instance, field)]


def user_pre_save(sender, instance, **kwargs):
    if instance.pk:
        stored = sender.objects.filter(pk=instance.pk).values(*USER_FIELDS, "password").first()
        instance._audit_before = stored


def user_post_save(sender, instance, created, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    if created:
        audit_record(event=Event.USER_CHANGED, target=instance.get_username(), details={"action": "created"})
        return
    changed = _changed(sender, instance, (*USER_FIELDS, "password"))
    if not changed:
        return
    if changed == ["password"]:
        audit_record(event=Event.PASSWORD_CHANGED, target=instance.get_username())
    else:
        audit_record(
            event=Event.USER_CHANGED,
            target=instance.get_username(),
            details={"action": "changed", "fields": changed},
        )


def user_deleted(sender, instance, **kwargs):
    audit_record(event=Event.USER_CHANGED, target=instance.get_username(), details={"action": "deleted"})


def _members(instance, reverse: bool, pk_set=None) -> set:
    related = instance.user_set if reverse else instance.groups
    related = related.filter(pk__in=pk_set) if pk_set is not None else related.all()
    return set(related.values_list("pk", flat=True))


def user_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    # Django reports every id passed to remove(), member or not: keep the real memberships.
    if action in ("pre_remove", "pre_clear"):
        instance._audit_removing = _members(instance, reverse, pk_set if action == "pre_remove" else None)
        if action == "pre_remove":
            return
    if action == "pre_clear":
        pk_set, verb = instance._audit_removing, "removed"
    elif action == "post_remove":
        pk_set, verb = getattr(instance, "_audit_removing", pk_set), "removed"
    elif action == "post_add":
        verb = "added"
    else:
        return
    if not pk_set:
        return
    if reverse:  # group.user_set.add(users)
        for user in get_user_model().objects.filter(pk__in=pk_set):
            _role_membership(user=user, groups=[instance.name], verb=verb)
    else:
        names = list(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        _role_membership(user=instance, groups=names, verb=verb)


def _role_membership(*, user, groups: list[str], verb: str):
    audit_record(
        event=Event.ROLE_CHANGED,
        target=user.get_username(),
        details={"action": verb, "groups": sorted(groups)},
    )


def group_saved(sender, instance, created, **kwargs):
    before = getattr(instance, "_audit_before", None)
    if not created and before == instance.name:
        return
    details = {"action": "created"} if created else {"action": "renamed", "from": before}
    audit_record(event=Event.GROUP_CHANGED, target=instance.name, details=details)


def group_pre_save(sender, instance, **kwargs):
    if instance.pk:
        instance._audit_before = sender.objects.filter(pk=instance.pk).values_list("name", flat=True).first()


def group_deleted(sender, instance, **kwargs):
    audit_record(event=Event.GROUP_CHANGED, target=instance.name, details={"action": "deleted"})


def group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove") or not pk_set or reverse:
        return
    from django.contrib.auth.models import Permission

    names = sorted(
        f"{app}.{code}"
        for app, code in Permission.objects.filter(pk__in=pk_set).values_list(
            "content_type__app_label", "codename"
        )
    )
    audit_record(
        event=Event.GROUP_CHANGED,
        target=instance.name,
        details={
            "action": "permissions_added" if action == "post_add" else "permissions_removed",
            "permissions": names,
        },
    )


def organisation_pre_save(sender, instance, **kwargs):
    if instance.pk:
        instance._audit_before = sender.objects.filter(pk=instance.pk).values(*ORGANISATION_FIELDS).first()


def organisation_saved(sender, instance, created, **kwargs):
    if created:
        details = {"action": "created"}
    else:
        changed = _changed(sender, instance, ORGANISATION_FIELDS)
        if not changed:
            return
        details = {"action": "changed", "fields": changed}
    audit_record(event=Event.ORGANISATION_CHANGED, target=f"{instance.code} {instance.name}", details=details)


def organisation_deleted(sender, instance, **kwargs):
    audit_record(
        event=Event.ORGANISATION_CHANGED,
        target=f"{instance.code} {instance.name}",
        details={"action": "deleted"},
    )


def organisation_role_saved(sender, instance, created, **kwargs):
    if created:
        audit_record(
            event=Event.ROLE_CHANGED,
            target=instance.group.name,
            details={"action": "role_group_created", "role": instance.role},
        )


def staff_profile_pre_save(sender, instance, **kwargs):
    if instance.pk:
        instance._audit_before = (
            sender.objects.filter(pk=instance.pk).values("organisation_id", "position").first()
        )


def staff_profile_saved(sender, instance, created, **kwargs):
    changed = (
        ["organisation_id", "position"]
        if created
        else _changed(sender, instance, ("organisation_id", "position"))
    )
    if changed:
        audit_record(
            event=Event.USER_CHANGED,
            target=instance.user.get_username(),
            details={"action": "profile", "fields": changed, "organisation": instance.organisation.code},
        )


def signed_in(sender, request, user, **kwargs):
    audit_record(event=Event.SIGN_IN, request=request, user=user)


def signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(event=Event.SIGN_OUT, request=request, user=user)


def sign_in_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        event=Event.SIGN_IN_FAILED,
        outcome=Outcome.FAILURE,
        request=request,
        username=str(credentials.get("username", ""))[:150],
    )


def sync_request_refused(sender, instance, created, **kwargs):
    # Sync counts refusals per source and reason so unsigned traffic cannot grow the database;
    # the log records the first of each, and the count holds the rest.
    if created:
        audit_record(
            event=Event.SYNC_REFUSED,
            outcome=Outcome.REFUSED,
            ip_address=instance.source if instance.source != "*" else None,
            target=instance.last_key_id,
            details={"path": instance.last_path, "reason": instance.reason},
        )


def auditor_group_ensure(sender, **kwargs):
    from django.contrib.auth.models import Permission

    from .selectors import AUDITOR_GROUP

    permission = Permission.objects.filter(
        content_type__app_label="audit", codename="view_auditentry"
    ).first()
    if permission is None:
        return
    group, _ = Group.objects.get_or_create(name=AUDITOR_GROUP)
    group.permissions.add(permission)


def register_signal_handlers():
    user_model = get_user_model()
    uid = "audit_"
    pre_save.connect(user_pre_save, sender=user_model, dispatch_uid=uid + "user_pre")
    post_save.connect(user_post_save, sender=user_model, dispatch_uid=uid + "user")
    post_delete.connect(user_deleted, sender=user_model, dispatch_uid=uid + "user_del")
    m2m_changed.connect(
        user_groups_changed, sender=user_model.groups.through, dispatch_uid=uid + "user_groups"
    )
    pre_save.connect(group_pre_save, sender=Group, dispatch_uid=uid + "group_pre")
    post_save.connect(group_saved, sender=Group, dispatch_uid=uid + "group")
    post_delete.connect(group_deleted, sender=Group, dispatch_uid=uid + "group_del")
    m2m_changed.connect(
        group_permissions_changed, sender=Group.permissions.through, dispatch_uid=uid + "group_perms"
    )
    organisation = apps.get_model("portal", "Organisation")
    pre_save.connect(organisation_pre_save, sender=organisation, dispatch_uid=uid + "org_pre")
    post_save.connect(organisation_saved, sender=organisation, dispatch_uid=uid + "org")
    post_delete.connect(organisation_deleted, sender=organisation, dispatch_uid=uid + "org_del")
    post_save.connect(
        organisation_role_saved,
        sender=apps.get_model("portal", "OrganisationRole"),
        dispatch_uid=uid + "role",
    )
    profile = apps.get_model("portal", "StaffProfile")
    pre_save.connect(staff_profile_pre_save, sender=profile, dispatch_uid=uid + "profile_pre")
    post_save.connect(staff_profile_saved, sender=profile, dispatch_uid=uid + "profile")
    user_logged_in.connect(signed_in, dispatch_uid=uid + "signed_in")
    user_logged_out.connect(signed_out, dispatch_uid=uid + "signed_out")
    user_login_failed.connect(sign_in_failed, dispatch_uid=uid + "sign_in_failed")
    post_save.connect(
        sync_request_refused, sender=apps.get_model("sync", "RefusedRequest"), dispatch_uid=uid + "sync"
    )
    post_migrate.connect(auditor_group_ensure, dispatch_uid=uid + "auditor_group")
