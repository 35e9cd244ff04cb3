"""Import/export datasets of the core app (registered with the common import engine)."""
