"""How a staff member's name is written: family name first, no space, as in Chinese."""


def staff_full_name(user) -> str:
    """A person's name as written in Chinese: family name first, no space ("" when none is recorded)."""
    return f"{user.last_name}{user.first_name}".strip()


def staff_display_name(user) -> str:
    return staff_full_name(user) or user.get_username()


def staff_choice_label(user) -> str:
    """A staff account offered in a form: 曾编辑 · 成都市委党史研究室 (the name alone without a profile)."""
    profile = getattr(user, "staff_profile", None)
    name = staff_display_name(user)
    return f"{name} · {profile.organisation.name}" if profile is not None else name
