"""A test-only app (installed when settings.TESTING): one model that adopts every security mixin.

It lets the generic mechanisms of ``common`` (soft delete, versions, sealing, field rules,
encryption at rest) be tested on a real table without touching the domain apps, and shows a
domain engineer the complete adoption in one place.
"""
