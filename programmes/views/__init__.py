"""Pages for programmes, projects and milestones, by subject. Thin: selectors read,
services write (through portal.actions)."""
