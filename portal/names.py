"""How a staff member's name is written: family name first, no space, as in Chinese."""


def staff_full_name(user) -> str:
    """A person's name as written in Chinese: family name first, no space ("" when none is recorded)."""
    return f"{user.last_name}{user.first_name}".strip()


def staff_display_name(user) -> str:
    return staff_full_name(user) or user.get_username()
