"""The navigation menu: apps register their entries, the menu shows those the user may open."""

from dataclasses import dataclass, field


@dataclass
class MenuItem:
    label: str
    url_name: str
    permission: str


@dataclass
class MenuGroup:
    key: str
    label: str
    icon: str
    items: list = field(default_factory=list)


# The order of the sidebar, as the office's work reads: report, strike, manage, control, publicise,
# coordinate, then data exchange, reference data and administration. Unknown keys come last.
ORDER = ["reports", "strike", "manage", "control", "publicise", "coordinate", "data", "reference", "administration"]


MENU = []


def register_menu(key, label, icon, items):
    """Add (or extend) a menu group; called from an app's ``AppConfig.ready``."""
    for group in MENU:
        if group.key == key:
            group.items.extend(items)
            return group
    group = MenuGroup(key, label, icon, list(items))
    MENU.append(group)
    MENU.sort(key=lambda g: ORDER.index(g.key) if g.key in ORDER else len(ORDER))
    return group


def menu_for(user):
    groups = []
    for group in MENU:
        items = [item for item in group.items if user.has_perm(item.permission)]
        if items:
            groups.append((group, items))
    return groups
