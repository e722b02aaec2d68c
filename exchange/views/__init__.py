"""Thin views by subject: read through selectors, write through services (with
portal.actions), 404 for what is not yours."""
