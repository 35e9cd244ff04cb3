"""Authentication backend: permissions come from roles (core/roles.py), never from is_superuser."""

from django.contrib.auth.backends import ModelBackend

from .roles import has_permission, patterns_for


class RoleBackend(ModelBackend):
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return patterns_for(user_obj.role_codes)

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return False
        return has_permission(user_obj.role_codes, perm)

    def has_module_perms(self, user_obj, app_label):
        return any(p.startswith(app_label + ".") for p in self.get_all_permissions(user_obj))
